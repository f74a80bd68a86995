/** The adapter's Prometheus metrics, in the text exposition format (version 0.0.4). */

type Labels = Readonly<Record<string, string>>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

interface Family {
  readonly type: 'counter' | 'gauge' | 'summary';
  readonly help: string;
  readonly values: Map<string, { labels: Labels; value: number }>;
}

export class Metrics {
  readonly #families = new Map<string, Family>();

  #family(name: string, type: Family['type'], help: string): Family {
    let f = this.#families.get(name);
    if (!f) this.#families.set(name, (f = { type, help, values: new Map() }));
    return f;
  }

  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const f = this.#family(name, 'counter', help);
    const key = labelText(labels);
    const cur = f.values.get(key);
    f.values.set(key, { labels, value: (cur?.value ?? 0) + by });
  }

  set(name: string, help: string, value: number, labels: Labels = {}): void {
    this.#family(name, 'gauge', help).values.set(labelText(labels), { labels, value });
  }

  /** A duration observation (seconds): a summary's _sum and _count. */
  observe(name: string, help: string, seconds: number): void {
    const f = this.#family(name, 'summary', help);
    const sum = f.values.get('_sum')?.value ?? 0;
    const count = f.values.get('_count')?.value ?? 0;
    f.values.set('_sum', { labels: {}, value: sum + seconds });
    f.values.set('_count', { labels: {}, value: count + 1 });
  }

  text(): string {
    const lines: string[] = [];
    for (const [name, f] of this.#families) {
      lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      if (f.type === 'summary') {
        lines.push(`${name}_sum ${f.values.get('_sum')?.value ?? 0}`, `${name}_count ${f.values.get('_count')?.value ?? 0}`);
        continue;
      }
      for (const v of f.values.values()) lines.push(`${name}${labelText(v.labels)} ${v.value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
