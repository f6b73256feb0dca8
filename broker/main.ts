/** The broker's command line: `npm run broker -- --help`. */
import { DEFAULTS, EXIT_DEADLINE_MS, helpText, parseCommandLine } from './config.ts';
import { createLogger } from './log.ts';
import { startBroker, type RunningBroker } from './server.ts';

const commandLine = parseCommandLine(process.argv.slice(2), process.env);
if (!commandLine.ok) {
  process.stderr.write(`${commandLine.message}\n\n${helpText()}`);
  process.exit(2);
}
if (commandLine.help) {
  process.stdout.write(helpText());
  process.exit(0);
}

const log = createLogger(commandLine.config.logLevel ?? 'info');
let broker: RunningBroker | null = null;

// Installed before the broker starts: a signal right after the "listening" line must not find the default handler.
const shutDown = (signal: NodeJS.Signals): void => {
  log.info('shutting_down', { signal });
  setTimeout(() => process.exit(0), EXIT_DEADLINE_MS).unref();
  (broker?.close() ?? Promise.resolve()).then(
    () => process.exit(0),
    () => process.exit(0),
  );
};
process.once('SIGINT', shutDown);
process.once('SIGTERM', shutDown);

try {
  broker = await startBroker(commandLine.config);
} catch (error) {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (code === 'EADDRINUSE') {
    log.error('port_in_use', { port: commandLine.config.port ?? DEFAULTS.port, message: `port ${commandLine.config.port ?? DEFAULTS.port} is already in use; pick another with --port` });
  } else {
    log.error('start_failed', { message: error instanceof Error ? error.message : String(error) });
  }
  process.exit(1);
}
