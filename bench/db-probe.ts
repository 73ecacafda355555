// Preloaded into the benchmarked server (node --import ./dist/bench/db-probe.js dist/src/main.js), and into the
// fair baseline (bench/baseline-server.ts with its MongoDB adapter), so the bench
// can say how much of a request is spent waiting on the database: it turns on the MongoDB driver's command
// monitoring for every connection the server opens and counts commands and their round-trip times by name.
// The figures are served as JSON on BENCH_PROBE_PORT (loopback only). The server's own code is unchanged.
import { MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import { createServer } from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { monitorCommands } from '../src/observability/command-monitor.js';

export interface ProbeSnapshot {
  commands: Record<string, { count: number; ms: number }>;
  /** CPU of the server process in seconds (user + system). */
  cpuS: number;
  /** Event loop utilisation since start, as perf_hooks reports it. */
  elu: { idle: number; active: number };
  loopDelayP99Ms: number;
}

const commands: ProbeSnapshot['commands'] = {};
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

function record(name: string, ms: number): void {
  const entry = (commands[name] ??= { count: 0, ms: 0 });
  entry.count += 1;
  entry.ms += ms;
}

const createConnection = mongoose.createConnection.bind(mongoose);
mongoose.createConnection = ((uri: string, options: mongoose.ConnectOptions = {}) => {
  const connection = createConnection(uri, { ...options, monitorCommands: true });
  // Named by command and collection (`find oidc_entries`), as the specs that count commands name them.
  connection.once('connected', () => monitorCommands(connection.getClient(), record));
  return connection;
}) as typeof mongoose.createConnection;

// The fair baseline's adapter connects with the driver alone (MongoClient.connect), as oidc-provider's example does.
const connect = MongoClient.connect.bind(MongoClient);
MongoClient.connect = (async (uri: string, options: ConstructorParameters<typeof MongoClient>[1] = {}) => {
  const client = await connect(uri, { ...options, monitorCommands: true });
  monitorCommands(client, record);
  return client;
}) as typeof MongoClient.connect;

const port = Number(process.env.BENCH_PROBE_PORT);
if (port) {
  const server = createServer((_req, res) => {
    const usage = process.cpuUsage();
    const { idle, active } = performance.eventLoopUtilization();
    const snapshot: ProbeSnapshot = {
      commands,
      cpuS: (usage.user + usage.system) / 1e6,
      elu: { idle, active },
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    };
    loopDelay.reset();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(snapshot));
  });
  server.listen(port, '127.0.0.1');
  server.unref();
}
