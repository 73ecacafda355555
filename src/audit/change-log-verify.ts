import { walkChain, type ChainWalk, type VerifyResult } from './change-log-chain.js';
import type { SignedCheckpoint } from './change-log-checkpoint.js';
import type { ChangeLogStore } from './change-log-store.js';

/**
 * A tenant's chain checked link by link from its start, then against the newest outside checkpoint: the chain
 * must still reach the checkpoint's seq and hold the checkpointed hash there. Only entries after the
 * checkpoint can vanish unseen, which is why checkpoints are written often (hourly, on every backup and
 * export).
 */
export async function verifyChain(store: ChangeLogStore, tenantId: string, checkpoint: SignedCheckpoint | undefined): Promise<VerifyResult> {
  const start = await store.start(tenantId);
  const walk = await walkChain(start, store.scan({ tenantId, seq: { $gt: start.seq } }), checkpoint?.seq);
  const compared = checkpoint ? { checkpoint: { seq: checkpoint.seq, at: checkpoint.at } } : {};
  if (walk.firstBroken) return { ok: false, checked: walk.checked, firstBroken: walk.firstBroken, ...compared };
  const broken = checkpoint && againstCheckpoint(walk, start.seq, start.hash, checkpoint);
  return broken ? { ok: false, checked: walk.checked, firstBroken: broken, ...compared } : { ok: true, checked: walk.checked, ...compared };
}

function againstCheckpoint(walk: ChainWalk, startSeq: number, startHash: string, checkpoint: SignedCheckpoint): VerifyResult['firstBroken'] {
  // Retention removed the checkpointed entry since: the anchor it left is where the comparison can start.
  if (checkpoint.seq < startSeq) return undefined;
  if (checkpoint.seq > walk.last.seq) return { seq: walk.last.seq + 1, reason: 'truncated' };
  if (checkpoint.seq === startSeq) return startHash === checkpoint.hash ? undefined : { seq: startSeq, reason: 'rewritten' };
  const { watched } = walk;
  return watched && watched.hash === checkpoint.hash ? undefined : { seq: checkpoint.seq, ...(watched ? { id: watched.id } : {}), reason: 'rewritten' };
}
