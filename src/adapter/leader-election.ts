/**
 * Leader election through a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it: the holder renews
 * every `retryPeriod`; another replica takes the Lease only once `renewTime + leaseDuration` has passed, with an
 * update that carries the resourceVersion it read (the API server's 409 decides any race). A leader that could not
 * renew within `renewDeadline` (< leaseDuration) stops leading before anyone else may start: two replicas never
 * both write.
 */
import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { sleep } from './backoff.ts';
import { statusOf } from './kube-object.ts';

export interface LeaderElectionOptions {
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  readonly onStartedLeading: () => void;
  readonly onStoppedLeading: () => void;
  readonly onError?: (e: unknown) => void;
}

export class LeaderElector {
  readonly #api: CoordinationV1Api;
  readonly #o: Required<Omit<LeaderElectionOptions, 'onError'>> & Pick<LeaderElectionOptions, 'onError'>;
  readonly #stop = new AbortController();
  #leading = false;
  /** Local time until which this replica may act as leader (last successful renew + renewDeadline). */
  #validUntil = 0;
  #done: Promise<void> | undefined;

  constructor(kc: KubeConfig, options: LeaderElectionOptions) {
    this.#api = kc.makeApiClient(CoordinationV1Api);
    this.#o = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, ...options };
    if (this.#o.renewDeadlineMs >= this.#o.leaseDurationMs) throw new Error('the renew deadline must be shorter than the lease duration');
  }

  /** Whether this replica leads now (and its lease has not run out locally). */
  isLeader(): boolean {
    if (this.#leading && performance.now() > this.#validUntil) this.#lose();
    return this.#leading;
  }

  start(): void {
    this.#done ??= this.#loop();
  }

  /** Stops; a leader gives the Lease up (so that another replica takes over at once). */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#done;
    if (this.#leading) {
      this.#lose();
      try {
        const lease = await this.#api.readNamespacedLease({ name: this.#o.name, namespace: this.#o.namespace });
        if (lease.spec?.holderIdentity === this.#o.identity) {
          lease.spec = { ...lease.spec, holderIdentity: undefined, renewTime: undefined, acquireTime: undefined };
          await this.#api.replaceNamespacedLease({ name: this.#o.name, namespace: this.#o.namespace, body: lease });
        }
      } catch {
        // the next replica takes over when the lease expires
      }
    }
  }

  #lose(): void {
    if (!this.#leading) return;
    this.#leading = false;
    this.#o.onStoppedLeading();
  }

  async #loop(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      const started = performance.now();
      try {
        if (await this.#tryAcquireOrRenew()) {
          this.#validUntil = started + this.#o.renewDeadlineMs;
          if (!this.#leading) {
            this.#leading = true;
            this.#o.onStartedLeading();
          }
        } else {
          if (this.#leading) this.#o.onError?.(new Error('the Lease is held by another replica'));
          this.#lose();
        }
      } catch (e) {
        this.#o.onError?.(e);
        if (performance.now() > this.#validUntil) this.#lose();
        if (this.#leading) this.#o.onError?.(new Error(`renew failed; leading until the renew deadline`));
      }
      await sleep(this.#o.retryPeriodMs * (this.#leading ? 1 : 1 + Math.random() * 0.2), this.#stop.signal);
    }
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    const spec = { holderIdentity: this.#o.identity, leaseDurationSeconds: Math.ceil(this.#o.leaseDurationMs / 1000), renewTime: now, acquireTime: now, leaseTransitions: 0 };
    let lease: V1Lease;
    try {
      lease = await this.#api.readNamespacedLease({ name: this.#o.name, namespace: this.#o.namespace });
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
      try {
        await this.#api.createNamespacedLease({ namespace: this.#o.namespace, body: { metadata: { name: this.#o.name, namespace: this.#o.namespace }, spec } });
        return true;
      } catch (e2) {
        if (statusOf(e2) === 409) return false;
        throw e2;
      }
    }
    const held = lease.spec?.holderIdentity;
    const renew = lease.spec?.renewTime ? new Date(lease.spec.renewTime).getTime() : 0;
    const duration = (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
    const mine = held === this.#o.identity;
    if (!mine && held && renew + duration > now.getTime()) return false;
    const transitions = (lease.spec?.leaseTransitions ?? 0) + (mine ? 0 : 1);
    lease.spec = {
      ...lease.spec, holderIdentity: this.#o.identity, leaseDurationSeconds: spec.leaseDurationSeconds, renewTime: now,
      acquireTime: mine && lease.spec?.acquireTime ? lease.spec.acquireTime : now, leaseTransitions: transitions,
    };
    try {
      await this.#api.replaceNamespacedLease({ name: this.#o.name, namespace: this.#o.namespace, body: lease });
      return true;
    } catch (e) {
      if (statusOf(e) === 409) return false;
      throw e;
    }
  }
}
