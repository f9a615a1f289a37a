import { readdirSync, readFileSync } from 'node:fs';
import { localHostForFile } from '../support/localHostForFile';

/** Nice value of each thread of a process (Linux /proc), by thread id. */
function threadNiceness(pid: number): Map<number, number> {
  const nice = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    // Fields after the command name (which may hold spaces): the state is field 3, nice field 19.
    const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    nice.set(Number(tid), Number(fields[16]));
  }
  return nice;
}

describe('the local host, thread by thread', () => {
  const file = localHostForFile();

  it('when the local host runs, then one thread of its own runs at nice 10 (the durable thread) while the HTTP thread keeps the process priority', () => {
    const pid = file.host.pid!;
    const nice = threadNiceness(pid);

    // The main thread's id is the process id: it serves HTTP.
    expect(nice.get(pid)).toBe(0);
    expect([...nice.values()].filter((n) => n === 10)).toHaveLength(1);
  });
});
