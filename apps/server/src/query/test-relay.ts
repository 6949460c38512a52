/**
 * Test support: a TCP relay to the test PostgreSQL on a port of its own. The tests' platform
 * database and their query targets live on one PostgreSQL server, which the target policy
 * rightly refuses to dial in sync mode; through the relay the same real server is "another
 * database server" at another address, bytes passed through untouched.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface TcpRelay {
  readonly port: number;
  /** `url` with its port changed to the relay's. */
  via(url: string): string;
  close(): Promise<void>;
}

export async function tcpRelay(target: { host: string; port: number }): Promise<TcpRelay> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      // One side failing ends both; the error itself is the test's to see through pg.
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the relay has no port');
  return {
    port: address.port,
    via(url) {
      const relayed = new URL(url);
      relayed.hostname = '127.0.0.1';
      relayed.port = String(address.port);
      return relayed.toString();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
