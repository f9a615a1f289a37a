import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Cuts a V8 CPU profile (`node --cpu-prof`, e.g. of an Azurite the bench was pointed at with
 * `--storage=… --storage-pid=…`) into the growth scenario's steps, and prints for each step the
 * microseconds per device of the busiest frames (self time) and of chosen frames with all they call
 * (inclusive), so a cost that grows with the store shows as the frame whose figure grows.
 *
 *   node dist/test/bench/cpuProfileSteps.js <profile.cpuprofile> <the bench's stdout> [frames=15] [Frame,Other]
 *
 * The steps' windows are the scenario's monotonicStartMs/monotonicEndMs: Node's clock and V8's
 * profiler both read CLOCK_MONOTONIC, so the windows of the bench and the samples of another process
 * line up. A sample's time is the wall time to the next one, so a process the machine did not schedule
 * still counts as busy: set the figures beside the step's CPU-ms per device.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}
interface Step {
  label: string;
  devices: number;
  storeDevicesBefore: number;
  devicesPerSecond: number;
  monotonicStartMs: number;
  monotonicEndMs: number;
}

const DEFAULT_FRAMES = [
  'insertTableEntity',
  'Collection.findOne',
  'Collection.adaptiveBinaryIndexInsert',
  '(garbage collector)',
  'deserializeBatchRequest',
];

function main(): void {
  const [profilePath, benchPath, topArg, framesArg] = process.argv.slice(2);
  if (!profilePath || !benchPath)
    throw new Error('usage: cpuProfileSteps <profile.cpuprofile> <bench stdout> [frames] [Frame,Other]');
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  // The bench prints its result as the last line of stdout.
  const lastLine = readFileSync(benchPath, 'utf8').trim().split('\n').pop() ?? '{}';
  const steps = (JSON.parse(lastLine) as { growth?: { steps: Step[] } }).growth?.steps;
  if (!steps) throw new Error(`${benchPath}: no growth steps in its last line`);
  const top = Number(topArg ?? 15);
  const frames = framesArg ? framesArg.split(',') : DEFAULT_FRAMES;

  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const label = (n: ProfileNode) =>
    `${n.callFrame.functionName || '(anonymous)'} ${path.basename(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const at: number[] = [];
  let t = profile.startTime;
  for (const delta of profile.timeDeltas) at.push((t += delta));

  for (const step of steps) {
    const from = step.monotonicStartMs * 1000;
    const to = step.monotonicEndMs * 1000;
    const self = new Map<string, number>();
    const inclusive = new Map<string, number>();
    let window = 0;
    let idle = 0;
    profile.samples.forEach((id, i) => {
      const time = at[i]!;
      if (time < from || time > to) return;
      const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
      const node = byId.get(id)!;
      window += ms;
      if (node.callFrame.functionName === '(idle)') {
        idle += ms;
        return;
      }
      self.set(label(node), (self.get(label(node)) ?? 0) + ms);
      // Each function once per sample, however deep it recurses.
      const seen = new Set<string>();
      for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
        const name = byId.get(n)!.callFrame.functionName;
        if (seen.has(name)) continue;
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
      }
    });
    const busy = window - idle;
    const perDevice = (ms: number) => `${((1000 * ms) / step.devices).toFixed(1).padStart(7)} µs/device`;
    const share = (ms: number) => `${((100 * ms) / busy).toFixed(1).padStart(5)}%`;
    console.log(
      `\n${step.label}: ${step.devices} devices into a store of ${step.storeDevicesBefore}, ` +
        `${Math.round(step.devicesPerSecond)}/s; ${(window / 1000).toFixed(1)} s, busy ${((100 * busy) / window).toFixed(0)}%, ${perDevice(busy)}`,
    );
    for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`  self      ${share(ms)} ${perDevice(ms)}  ${name}`);
    for (const name of frames) {
      const ms = inclusive.get(name);
      if (ms) console.log(`  inclusive ${share(ms)} ${perDevice(ms)}  ${name}`);
    }
  }
}

main();
