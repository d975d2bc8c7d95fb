// Client-side model of Shopify's per-shop leaky bucket (GraphQL Admin cost limits). Every
// response reports `extensions.cost.throttleStatus`; between responses the bucket refills at
// `restoreRate` points per second. Before a request whose requested cost we know, the client
// waits until the projected bucket covers it, so the server bucket never runs dry; after a
// THROTTLED answer it waits exactly as long as the restore rate needs for that cost.

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class CostBucket {
  private status: ThrottleStatus | undefined;
  private observedAt = 0;
  /** Requested cost per operation name, learned from responses (same document → same cost). */
  private readonly costs = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Points available now, projected from the last observation; undefined before the first. */
  projected(): number | undefined {
    if (!this.status) return undefined;
    const elapsed = Math.max(0, this.now() - this.observedAt) / 1000;
    return Math.min(this.status.maximumAvailable, this.status.currentlyAvailable + elapsed * this.status.restoreRate);
  }

  /** Milliseconds to wait until `cost` points are available (0 when unknown or available). */
  waitFor(cost: number): number {
    const available = this.projected();
    if (available === undefined || !this.status || cost <= available) return 0;
    return Math.ceil(((cost - available) / this.status.restoreRate) * 1000);
  }

  /** Takes points for a request about to be sent, so concurrent requests pace each other. */
  reserve(cost: number): void {
    const available = this.projected();
    if (available === undefined || !this.status) return;
    this.status = { ...this.status, currentlyAvailable: available - cost };
    this.observedAt = this.now();
  }

  observe(status: ThrottleStatus): void {
    this.status = { ...status };
    this.observedAt = this.now();
  }

  knownCost(operation: string): number {
    return this.costs.get(operation) ?? 0;
  }

  learnCost(operation: string, requested: number): void {
    this.costs.set(operation, requested);
  }

  get restoreRate(): number | undefined {
    return this.status?.restoreRate;
  }
}

/** Wait after a THROTTLED answer: the time the bucket needs to refill to the requested cost. */
export function throttledWaitMs(requested: number, status: ThrottleStatus): number {
  const missing = Math.max(0, requested - status.currentlyAvailable);
  return Math.max(1, Math.ceil((missing / status.restoreRate) * 1000));
}

const buckets = new Map<string, CostBucket>();

/** One bucket per shop (and endpoint) per process: Shopify's limit is per app and shop. */
export function bucketFor(key: string, now?: () => number): CostBucket {
  let bucket = buckets.get(key);
  if (!bucket) {
    bucket = new CostBucket(now);
    buckets.set(key, bucket);
  }
  return bucket;
}
