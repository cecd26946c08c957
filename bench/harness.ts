import { Agent, request as httpRequest } from "node:http";

/** Posts pre-serialised ingest bodies with `concurrency` keep-alive connections; returns wall time in ms. */
export async function postAll(url: string, bodies: Buffer[], concurrency: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          `${url}/api/ingest`,
          {
            method: "POST",
            agent,
            headers: { "content-type": "application/json", "content-length": body.length },
          },
          (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          },
        );
        req.on("error", reject);
        req.end(body);
      });
      if (status !== 200) throw new Error(`ingest answered ${status}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return performance.now() - started;
}
