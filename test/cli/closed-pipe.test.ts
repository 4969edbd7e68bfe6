/**
 * `hhb … | head`: when the reader closes the pipe, the program ends quietly with exit code 0 rather
 * than a stack trace; any other write error still surfaces.
 */
import { PassThrough } from 'node:stream';
import { endQuietlyOnClosedPipe } from '../../cli/io';

describe('a closed output pipe', () => {
  it('ends the program quietly with exit code 0 on EPIPE', () => {
    const stream = new PassThrough();
    const exits: number[] = [];
    endQuietlyOnClosedPipe(stream, (code) => exits.push(code));
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(exits).toEqual([0]);
  });

  it('lets any other write error through', () => {
    const stream = new PassThrough();
    const exits: number[] = [];
    endQuietlyOnClosedPipe(stream, (code) => exits.push(code));
    expect(() => stream.emit('error', Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }))).toThrow('no space left on device');
    expect(exits).toEqual([]);
  });
});
