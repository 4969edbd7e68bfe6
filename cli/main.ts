import { runCli } from './run';
import { processIo } from './io';

runCli(process.argv, processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`意外错误：${String(error)}\n`);
    process.exitCode = 1;
  },
);
