/**
 * Walks the message sets for every <xxxTRNRS> wrapper: each one's STATUS goes into transactionStatuses, and
 * the statements among them (STMTRS, CCSTMTRS, INVSTMTRS) are read. A wrapper whose STATUS is an error and
 * which carries no statement body is only a status, never a statement.
 */
import type { OfxNode } from '../tree.ts';
import type { Statement, TransactionStatus } from '../types.ts';
import { readStatement } from './statements.ts';
import { readStatus, text } from './values.ts';

/** Containers that may hold wrappers: message sets (…MSGSRSV1, …MSGSRQV1) and sync responses (…SYNCRS). */
function holdsWrappers(name: string): boolean {
  return /MSGSR[SQ]V\d$/.test(name) || name.endsWith('SYNCRS');
}

export interface TransactionResponses {
  statuses: TransactionStatus[];
  statements: Statement[];
}

export function readTransactionResponses(root: OfxNode): TransactionResponses {
  const statuses: TransactionStatus[] = [];
  const statements: Statement[] = [];
  const walk = (node: OfxNode): void => {
    for (const c of node.children ?? []) {
      if (!c.children) continue;
      if (c.name.endsWith('TRNRS')) {
        const trnuid = text(c, 'TRNUID');
        const status = readStatus(c, c.name);
        statuses.push({ wrapper: c.name, trnuid, status });
        for (const body of c.children) {
          const statement = readStatement(body, trnuid, status);
          if (statement) statements.push(statement);
        }
      } else if (holdsWrappers(c.name)) {
        walk(c);
      }
    }
  };
  walk(root);
  return { statuses, statements };
}
