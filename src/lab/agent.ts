// The lab's agent: one process per lab namespace, started with `ip netns exec NS node agent.ts PORTS`.
// It serves TCP and UDP on the given ports (IPv4 and IPv6; UDP echoes each datagram back), prints one line
// `{"ready":true}` once every socket listens, then answers probe requests read from stdin, one JSON object a line:
//   {"id":1,"timeoutMs":400,"probes":[{"ip":"10.0.0.2","protocol":"TCP","port":80}, ...]}
// with {"id":1,"results":["open"|"timeout"|"refused"|"error", ...]} in the same order. A TCP probe is open when
// the connection is established; a UDP probe when the echo of its random token comes back. The agent exits when
// stdin closes. It never talks to anything but the addresses it is told to probe, which are lab addresses.
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { connect, createServer, type Server } from 'node:net';
import { createInterface } from 'node:readline';

/** One probe: a destination address, protocol and port. */
export interface Probe {
  readonly ip: string;
  readonly protocol: 'TCP' | 'UDP';
  readonly port: number;
}

/** What a probe saw: open (connected / echoed), timeout (no answer: dropped), refused (reset / unreachable). */
export type ProbeOutcome = 'open' | 'timeout' | 'refused' | 'error';

/** How many probes one agent runs at once. */
const CONCURRENCY = 64;

function probeTcp(p: Probe, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const s = connect({ host: p.ip, port: p.port });
    let done = false;
    const finish = (o: ProbeOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve(o);
    };
    // On a starved event loop the timer and the answer can be due together: timers run first, so the verdict
    // waits for the I/O phase (setImmediate) to let an answer that already arrived win.
    const timer = setTimeout(() => setImmediate(() => finish('timeout')), timeoutMs);
    s.once('connect', () => finish('open'));
    s.once('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ECONNREFUSED' || e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH' ? 'refused' : 'error'));
  });
}

function probeUdp(p: Probe, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const s = createSocket(p.ip.includes(':') ? 'udp6' : 'udp4');
    const token = randomBytes(12);
    let done = false;
    const finish = (o: ProbeOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.close();
      resolve(o);
    };
    // On a starved event loop the timer and the answer can be due together: timers run first, so the verdict
    // waits for the I/O phase (setImmediate) to let an answer that already arrived win.
    const timer = setTimeout(() => setImmediate(() => finish('timeout')), timeoutMs);
    s.on('message', (msg) => {
      if (msg.equals(token)) finish('open');
    });
    s.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ECONNREFUSED' || e.code === 'EHOSTUNREACH' ? 'refused' : 'error'));
    s.send(token, p.port, p.ip, (err) => {
      if (err) finish('error');
    });
  });
}

/** Runs probes with bounded concurrency, keeping their order. */
export async function runProbes(probes: readonly Probe[], timeoutMs: number): Promise<ProbeOutcome[]> {
  const out: ProbeOutcome[] = new Array(probes.length);
  let next = 0;
  const worker = async () => {
    while (next < probes.length) {
      const i = next++;
      const p = probes[i];
      out[i] = await (p.protocol === 'TCP' ? probeTcp(p, timeoutMs) : probeUdp(p, timeoutMs));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, probes.length) }, worker));
  return out;
}

function listenTcp(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((sock) => {
      sock.on('error', () => {});
      sock.end();
    });
    server.once('error', reject);
    server.listen({ host, port, ipv6Only: host === '::', backlog: 1024 }, () => resolve(server));
  });
}

function listenUdp(type: 'udp4' | 'udp6', port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket({ type, ipv6Only: type === 'udp6' });
    s.once('error', reject);
    s.on('message', (msg, rinfo) => s.send(msg, rinfo.port, rinfo.address));
    s.bind(port, type === 'udp4' ? '0.0.0.0' : '::', () => resolve(s));
  });
}

/** Parses `80/TCP,53/UDP` into the ports to serve. */
function parsePorts(arg: string): { protocol: string; port: number }[] {
  return arg.split(',').filter(Boolean).map((x) => {
    const [port, protocol] = x.split('/');
    return { protocol: protocol.toUpperCase(), port: Number(port) };
  });
}

async function main(): Promise<void> {
  const ports = parsePorts(process.argv[2] ?? '');
  const has6 = process.argv[3] !== 'no6';
  for (const p of ports) {
    if (p.protocol === 'TCP') {
      await listenTcp('0.0.0.0', p.port);
      if (has6) await listenTcp('::', p.port);
    } else if (p.protocol === 'UDP') {
      await listenUdp('udp4', p.port);
      if (has6) await listenUdp('udp6', p.port);
    }
  }
  process.stdout.write('{"ready":true}\n');
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    if (!line.trim()) return;
    const req = JSON.parse(line) as { id: number; timeoutMs: number; probes: Probe[] };
    void runProbes(req.probes, req.timeoutMs).then((results) => process.stdout.write(`${JSON.stringify({ id: req.id, results })}\n`));
  });
  rl.on('close', () => process.exit(0));
}

if (import.meta.main) {
  main().catch((e: Error) => {
    process.stdout.write(`${JSON.stringify({ error: e.message })}\n`);
    process.exit(1);
  });
}
