import { describe, expect, it } from "vitest";
import { createSendBudget } from "../budget";

describe("send budget (the sender's share of the event loop)", () => {
  it("lets sends through while within the burst, then makes the next one wait for its share", async () => {
    const budget = createSendBudget(0.1, 5);
    expect(budget.wait()).toBeNull();
    budget.spend(4);
    expect(budget.wait()).toBeNull();
    budget.spend(6); // 5 ms over: at 10 % that is ~50 ms of wall time to earn back
    const t0 = performance.now();
    const waiting = budget.wait();
    expect(waiting).toBeInstanceOf(Promise);
    await waiting;
    expect(performance.now() - t0).toBeGreaterThanOrEqual(40); // ~50 ms, with a margin for timer slack
    expect(budget.wait()).toBeNull();
  });

  it("a full share never waits", () => {
    const budget = createSendBudget(1);
    budget.spend(1_000);
    expect(budget.wait()).toBeNull();
  });
});
