/** The requests the simulator served, by route (`GET /v1/nodes/detail`), for a benchmark to diff. */
export interface RequestStats {
  total: number;
  byRoute: Record<string, number>;
}

export class RequestCounter {
  private total = 0;
  private readonly byRoute = new Map<string, number>();

  count(route: string): void {
    this.total++;
    this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
  }

  snapshot(): RequestStats {
    return { total: this.total, byRoute: Object.fromEntries(this.byRoute) };
  }
}
