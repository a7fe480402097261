// Loaded with --import into the bench's server processes (BENCH_CPU_PROF=<dir>, cpu.ts): Node 20 refuses --cpu-prof in
// NODE_OPTIONS, so the server's own process profiles itself and writes the profile when it exits.
import fs from 'node:fs';
import inspector from 'node:inspector';

const dir = process.env.PROF_DIR;
if (dir && process.argv.some((a) => a.endsWith('main.ts') || a.endsWith('main.js'))) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) fs.writeFileSync(`${dir}/server-${process.pid}.cpuprofile`, JSON.stringify(result.profile));
    });
  });
}
