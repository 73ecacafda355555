import type { MongoClient } from 'mongodb';

/** Called once per database command when it ends: its name with its collection (`find oidc_entries`). */
export type CommandListener = (name: string, ms: number) => void;

/**
 * Follows every command a client sends, named by command and collection, failed ones marked ` (failed)`.
 * The client must have been created with `monitorCommands: true`. Shared by the bench's probe and the specs
 * that count commands per flow, so both name commands alike. Returns the function that stops following.
 */
export function monitorCommands(client: MongoClient, listener: CommandListener): () => void {
  // The started event is the one that names the collection; the ending events only carry the request id.
  const names = new Map<number, string>();
  const started = (e: { requestId: number; commandName: string; command: Record<string, unknown> }) => {
    const target = e.command[e.commandName];
    names.set(e.requestId, typeof target === 'string' ? `${e.commandName} ${target}` : e.commandName);
  };
  const ended = (suffix: string) => (e: { requestId: number; commandName: string; duration: number }) => {
    const name = names.get(e.requestId);
    names.delete(e.requestId);
    // A command that started before we listened is not ours to count.
    if (name !== undefined) listener(`${name}${suffix}`, e.duration);
  };
  const succeeded = ended('');
  const failed = ended(' (failed)');
  client.on('commandStarted', started);
  client.on('commandSucceeded', succeeded);
  client.on('commandFailed', failed);
  return () => {
    client.off('commandStarted', started);
    client.off('commandSucceeded', succeeded);
    client.off('commandFailed', failed);
  };
}
