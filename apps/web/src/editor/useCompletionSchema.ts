import type { SQLNamespace } from '@codemirror/lang-sql';
import { useCallback, useEffect, useState } from 'react';
import type { StudioConnection } from '../connections/types.ts';
import { runQuery } from '../query/run.ts';
import { buildCompletionSchema, COMPLETION_SCHEMA_SQL } from './schema.ts';

/**
 * Table and column names of a connection for completion, read from its
 * `information_schema.columns` once per connection; `refresh` after DDL re-reads them. None for
 * a connection this studio does not run.
 */
export function useCompletionSchema(connection: StudioConnection): {
  schema: SQLNamespace | undefined;
  refresh(): void;
} {
  const [schemas, setSchemas] = useState<Record<string, SQLNamespace>>({});
  const [version, setVersion] = useState(0);

  useEffect(() => {
    // Nothing to ask a connection this studio does not run.
    if (connection.kind === 'unsupported') return;
    let active = true;
    runQuery(connection, COMPLETION_SCHEMA_SQL, true).then((outcome) => {
      const rows = outcome.ok ? outcome.results.at(-1)?.rows : undefined;
      if (active && rows)
        setSchemas((s) => ({ ...s, [connection.id]: buildCompletionSchema(rows) }));
    });
    return () => {
      active = false;
    };
  }, [connection, version]);

  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  return { schema: schemas[connection.id], refresh };
}
