import path from 'node:path';
import { loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('uses embedded PGlite in ./data on port 3000 when nothing is set', () => {
    const c = loadConfig({});
    expect(c).toEqual({ database: { kind: 'pglite', dataDir: path.resolve('data') }, port: 3000, sessionIdleMinutes: 30 });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.database)).toBe(true);
  });

  it('selects PostgreSQL from DATABASE_URL, and --db overrides it either way', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', PORT: '8080' })).toEqual({ database: { kind: 'postgres', url: 'postgres://u@h/db' }, port: 8080, sessionIdleMinutes: 30 });
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }, { db: '/tmp/hhb' }).database).toEqual({ kind: 'pglite', dataDir: '/tmp/hhb' });
    expect(loadConfig({ HHB_DATA_DIR: '/x' }, { db: 'postgresql://a@b/c' }).database).toEqual({ kind: 'postgres', url: 'postgresql://a@b/c' });
    expect(loadConfig({ HHB_DATA_DIR: '/var/lib/hhb' }).database).toEqual({ kind: 'pglite', dataDir: '/var/lib/hhb' });
  });

  it('rejects a bad PORT or a DATABASE_URL that is not postgres, naming the variable', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(expect.objectContaining({ code: 'INPUT_INVALID', message: expect.stringContaining('PORT') }));
    expect(() => loadConfig({ PORT: '70000' })).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(expect.objectContaining({ message: expect.stringContaining('DATABASE_URL') }));
  });

  it('reads the idle time of web sessions from HHB_SESSION_IDLE_MINUTES, refusing what is not 5–720 minutes', () => {
    expect(loadConfig({ HHB_SESSION_IDLE_MINUTES: '45' }).sessionIdleMinutes).toBe(45);
    expect(() => loadConfig({ HHB_SESSION_IDLE_MINUTES: '2' })).toThrow(expect.objectContaining({ code: 'INPUT_INVALID', message: expect.stringContaining('HHB_SESSION_IDLE_MINUTES') }));
    expect(() => loadConfig({ HHB_SESSION_IDLE_MINUTES: 'half an hour' })).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
  });
});
