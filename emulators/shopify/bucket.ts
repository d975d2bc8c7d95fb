// Shopify's leaky bucket for GraphQL Admin calls, one per (app, shop). The requested cost is
// taken before execution; the difference to the actual cost is refunded afterwards.
// Capacity and restore rate come from the shop's plan (shopify.dev "GraphQL Admin API rate
// limits"): standard 2,000 / 100 per s, Advanced 4,000 / 200, Plus 20,000 / 1,000.

export type ShopPlan = 'standard' | 'advanced' | 'plus';

export const PLAN_LIMITS: Record<ShopPlan, { maximumAvailable: number; restoreRate: number }> = {
  standard: { maximumAvailable: 2000, restoreRate: 100 },
  advanced: { maximumAvailable: 4000, restoreRate: 200 },
  plus: { maximumAvailable: 20000, restoreRate: 1000 },
};

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class LeakyBucket {
  private available: number;
  private lastRefillMs: number;
  private maximum: number;
  private rate: number;

  constructor(
    plan: ShopPlan,
    private readonly now: () => number = Date.now,
  ) {
    const limits = PLAN_LIMITS[plan];
    this.maximum = limits.maximumAvailable;
    this.rate = limits.restoreRate;
    this.available = this.maximum;
    this.lastRefillMs = now();
  }

  /** Points restore continuously; computed lazily on every read. */
  private refill(): void {
    const t = this.now();
    const elapsed = Math.max(0, t - this.lastRefillMs) / 1000;
    this.available = Math.min(this.maximum, this.available + elapsed * this.rate);
    this.lastRefillMs = t;
  }

  /** Takes `cost` points if available; returns false (and takes nothing) otherwise. */
  tryTake(cost: number): boolean {
    this.refill();
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.maximum, this.available + Math.max(0, points));
  }

  /** Empties the bucket (fault injection: "throttling pressure"). */
  drain(): void {
    this.refill();
    this.available = 0;
  }

  /** Changes plan limits, keeping the points already used. */
  setPlan(plan: ShopPlan): void {
    this.refill();
    const used = this.maximum - this.available;
    const limits = PLAN_LIMITS[plan];
    this.maximum = limits.maximumAvailable;
    this.rate = limits.restoreRate;
    this.available = Math.max(0, this.maximum - used);
  }

  status(): ThrottleStatus {
    this.refill();
    // Shopify reports whole points.
    return {
      maximumAvailable: this.maximum,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.rate,
    };
  }
}
