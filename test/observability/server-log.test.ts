import { afterEach, describe, expect, it } from '@jest/globals';
import { TsProcess } from '../support/ts-process.js';

// The server writes its log lines in batches (src/observability/logger.ts): a few kilobytes at a time, or
// whatever has waited the flush interval, and everything still buffered when the process exits.
describe('the server log destination', () => {
  let child: TsProcess | undefined;
  afterEach(() => child?.close());

  const lineNumbers = (output: string) =>
    output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => (JSON.parse(l) as { line: number }).line);

  async function until(what: () => boolean, ms = 10_000): Promise<void> {
    const end = Date.now() + ms;
    while (!what()) {
      if (Date.now() > end) throw new Error(`not within ${ms} ms; output so far: ${child?.output}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it('writes a lone line, far short of a batch, within the flush interval while the process keeps running', async () => {
    child = TsProcess.start('test/observability/support/log-child.ts', {}, { args: ['200', '1', 'stay'] });
    await until(() => lineNumbers(child!.output).length === 1);
    expect(lineNumbers(child.output)).toEqual([1]);
    expect(child.running).toBe(true);
  });

  it('writes a burst larger than a batch without waiting for the interval', async () => {
    // An interval of an hour: only the batch size can have written these.
    child = TsProcess.start('test/observability/support/log-child.ts', {}, { args: ['3600000', '200', 'stay'] });
    await until(() => lineNumbers(child!.output).length >= 100);
    expect(child.running).toBe(true);
    expect(lineNumbers(child.output).slice(0, 100)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('writes every line still buffered when the process exits', async () => {
    child = TsProcess.start('test/observability/support/log-child.ts', {}, { args: ['3600000', '5', 'exit'] });
    expect(await child.exitCode()).toBe(0);
    expect(lineNumbers(child.output)).toEqual([1, 2, 3, 4, 5]);
  });
});
