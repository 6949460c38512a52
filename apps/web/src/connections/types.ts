/** A connection as the studio runs queries on it. */
export interface StudioConnection {
  id: string;
  name: string;
  kind: 'demo' | 'postgres';
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
}

/** The zero-config demo database, always present, never stored. */
export const DEMO_CONNECTION: StudioConnection = {
  id: 'demo',
  name: 'Demo (in browser)',
  kind: 'demo',
};
