// The bare workflows the SPEC §13 floors are measured with (bench/order-stack.ts bundles this file
// on its own, apart from src/workflows): nothing of Storelink's, so a floor is the server's and the
// SDK's cost alone.
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

export interface FloorActivities {
  /** Returns the wall clock (ms, sub-ms precision) at its first line. */
  floorActivityStarted(): Promise<number>;
}

const { floorActivityStarted } = proxyActivities<FloorActivities>({ startToCloseTimeout: '1 minute' });

export const FLOOR_SIGNAL = 'floorGo';
const go = defineSignal(FLOOR_SIGNAL);

/** Floor A: a start is all it costs (started on a task queue no worker polls). */
export async function benchNoop(): Promise<void> {}

/** Floor B: waits for one signal, then runs one activity and returns when that activity began. */
export async function benchSignalThenActivity(): Promise<number> {
  let signalled = false;
  setHandler(go, () => {
    signalled = true;
  });
  await condition(() => signalled);
  return floorActivityStarted();
}
