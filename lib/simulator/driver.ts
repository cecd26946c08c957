import { generateRequest, generateStats, type NativeBatch, type SimCluster } from "./cluster";
import { createRng, type Rng } from "./random";

export type DriverOptions = {
  /** requests per second across the whole cluster */
  rps: number;
  /** seconds after the start when the "goes-silent" node stops sending anything */
  silentAfter?: number;
  /** distinguishes batch ids of separate runs (dedupe is by batch_id) */
  runId?: string;
};

/**
 * Turns simulated seconds into one native batch per reporting node, as Kong nodes flushing every second.
 * The idle node sends stats with no requests (latency null: a gap); the silent node sends nothing.
 */
export class TrafficDriver {
  private readonly rng: Rng;
  private readonly seq = new Map<string, number>();
  private startedAt: number | null = null;
  readonly runId: string;

  constructor(
    readonly cluster: SimCluster,
    readonly options: DriverOptions,
  ) {
    this.rng = createRng(cluster.seed ^ 0x5eed);
    this.runId = options.runId ?? Math.floor(Date.now() / 1000).toString(36);
  }

  /** Batches for the second starting at `second` (unix seconds). */
  batchesFor(second: number): NativeBatch[] {
    this.startedAt ??= second;
    const elapsed = second - this.startedAt;
    const reporting = this.cluster.nodes.filter(
      (n) => n.role !== "goes-silent" || elapsed < (this.options.silentAfter ?? 60),
    );
    const serving = reporting.filter((n) => n.role !== "idle");
    // Poisson-ish jitter around the target rate so charts look alive.
    const total = Math.max(0, Math.round(this.options.rps * (0.85 + this.rng() * 0.3)));
    const perNode = new Map<string, number>();
    for (let i = 0; i < total && serving.length > 0; i++) {
      const node = serving[Math.floor(this.rng() * serving.length)];
      perNode.set(node.id, (perNode.get(node.id) ?? 0) + 1);
    }
    return reporting.map((node) => {
      const count = perNode.get(node.id) ?? 0;
      const requests = Array.from({ length: count }, () =>
        generateRequest(this.cluster, this.rng, second * 1000 + Math.floor(this.rng() * 1000)),
      );
      const n = (this.seq.get(node.id) ?? 0) + 1;
      this.seq.set(node.id, n);
      return {
        batch_id: `${node.hostname}:${this.runId}:${n}`,
        node: { id: node.id, hostname: node.hostname, version: node.version },
        requests,
        stats: [generateStats(this.rng, second, count)],
      };
    });
  }
}
