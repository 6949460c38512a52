// Test support for the transfer specs: the same three profiles, each with data of their own.
import type { Preferences } from '../repositories/preferences.ts';
import type { PlatformStorage } from '../storage.ts';

export const entry = (id: string, second: number) => ({
  id,
  connectionId: 'c1',
  query: `select '${id}'`,
  executionTime: 1.5,
  status: 'success' as const,
  executedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, second)),
});

export const saved = (id: string) => ({
  id,
  name: id,
  query: 'select 1',
  connectionType: 'postgres' as const,
  tags: ['report'],
  createdAt: new Date(),
  updatedAt: new Date(),
});

export interface SeedOptions {
  /** Two admin history entries of the same instant, whose order must survive a round trip. */
  ties?: boolean;
  adminPreferences?: Preferences;
  adaPreferences?: Preferences;
}

/** The default admin, ada (user) and bob (viewer), each with some data of their own. */
export async function seedProfiles(s: PlatformStorage, options: SeedOptions = {}) {
  await s.addToHistory(entry('admin-h', 1));
  if (options.ties) {
    await s.addToHistory(entry('admin-h-tie-1', 5));
    await s.addToHistory(entry('admin-h-tie-2', 5));
  }
  await s.saveQuery(saved('admin-s'));
  await s.saveConnection({
    id: 'admin-c',
    name: 'Prod',
    type: 'postgres',
    host: 'db.example.com',
    password: 'hunter2-secret',
    createdAt: new Date('2024-05-01T12:00:00Z'),
  });
  await s.preferences.patch(options.adminPreferences ?? { theme: 'dark' });
  const ada = await s.users.create({ username: 'ada', email: 'ada@example.com', role: 'user' });
  const bob = await s.users.create({ username: 'bob', role: 'viewer' });
  await s.switchUser(ada.id);
  await s.addToHistory(entry('ada-h', 2));
  await s.saveQuery(saved('ada-s'));
  await s.saveConnection({
    id: 'ada-c',
    name: 'Shop',
    type: 'postgres',
    connectionString: 'postgres://ada:inline-secret@db.example.com:5432/shop',
    createdAt: new Date('2024-06-01T12:00:00Z'),
  });
  if (options.adaPreferences) await s.preferences.patch(options.adaPreferences);
  await s.switchUser(bob.id);
  await s.addToHistory(entry('bob-h', 3));
  await s.switchUser('local-admin');
  return { ada, bob };
}
