import { readdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DecodeLog, DecodeReport } from './decode-log.ts';
import { pipeFd } from './decode-plan.ts';

/** The lines ffmpeg writes with `-loglevel level+info -debug_ts`, trimmed to the fields that matter. */
const packet = (pts: number, type = 'video'): string =>
  `[info] demuxer+ffmpeg -> ist_index:0 type:${type} pkt_pts:${pts} pkt_pts_time:0 off:0 off_time:0`;
const picture = (pts: number, keyframe: 0 | 1, frameType = keyframe === 1 ? 1 : 2): string =>
  `[info] decoder -> ist_index:0 type:video frame_pts:${pts} frame_pts_time:0 keyframe:${keyframe} frame_type:${frameType}`;
const decoderError = (message: string, codec = 'h264'): string =>
  `[${codec} @ 0x2f749a40] [error] ${message}`;
const concealing = (macroblocks: number, type = 'P', codec = 'h264'): string =>
  `[${codec} @ 0x2f749a40] [info] concealing ${macroblocks} DC, ${macroblocks} AC, ${macroblocks} MV errors in ${type} frame`;

/** 320x240: 20 x 15 = 300 macroblocks. */
function logOf(lines: readonly string[], codec = 'h264'): DecodeLog {
  const log = new DecodeLog(codec, 320, 240);
  // Split in awkward places: lines arrive in pieces of any size.
  const text = `${lines.join('\n')}\n`;
  for (let i = 0; i < text.length; i += 7) log.push(Buffer.from(text.slice(i, i + 7), 'latin1'));
  log.end();
  return log;
}

/** Whether each picture is damaged (its damage above 0), undefined where the log does not know. */
function flags(log: DecodeLog, pts: readonly number[]): (boolean | undefined)[] {
  return pts.map((p) => {
    const damage = log.take(String(p));
    return damage === undefined ? undefined : damage > 0;
  });
}

describe('DecodeLog', () => {
  it('flags a picture with decoder errors and the pictures after it until the next keyframe', () => {
    const log = logOf([
      packet(0),
      picture(0, 1),
      packet(1),
      picture(1, 0),
      packet(2),
      decoderError('error while decoding MB 17 9, bytestream -5'),
      concealing(194),
      picture(2, 0),
      packet(3),
      picture(3, 0),
      packet(4),
      picture(4, 1),
      packet(5),
      picture(5, 0),
    ]);
    expect(flags(log, [0, 1, 2, 3, 4, 5])).toEqual([false, false, true, true, false, false]);
    // Taken once: a second take knows nothing.
    expect(log.take('2')).toBeUndefined();
  });

  it('judges in decode order: a B-frame shown before a damaged P-frame but decoded after it is damaged', () => {
    // Decode order I0 P3 B1 B2; the P-frame's packet has errors.
    const log = logOf([
      packet(0),
      packet(3),
      decoderError('corrupted macroblock 3 1 (total_coeff=-1)'),
      picture(0, 1),
      packet(1),
      picture(1, 0),
      packet(2),
      picture(2, 0),
      picture(3, 0),
    ]);
    expect(flags(log, [0, 1, 2, 3])).toEqual([false, true, true, true]);
  });

  it('does not carry a damaged B-picture over to the pictures after it (nothing is predicted from it)', () => {
    // Decode order I0 P2 B1 P4 B3; only B1's packet has errors.
    const log = logOf(
      [
        packet(0),
        picture(0, 1),
        packet(2),
        packet(1),
        decoderError('Invalid mb type in B-frame at 34 7', 'mpeg2video'),
        picture(1, 0, 3),
        packet(4),
        picture(2, 0),
        packet(3),
        picture(3, 0, 3),
        picture(4, 0),
      ],
      'mpeg2video',
    );
    expect(flags(log, [0, 1, 2, 3, 4])).toEqual([false, true, false, false, false]);
  });

  it('counts a packet the decoder could not turn into a picture against the pictures after it', () => {
    const log = logOf([
      packet(0),
      picture(0, 1),
      packet(1),
      decoderError('decode_slice_header error'),
      decoderError('no frame!'),
      packet(2),
      picture(2, 0),
    ]);
    expect(flags(log, [0, 2])).toEqual([false, true]);
  });

  it('ignores other decoders, and judges nothing before the first keyframe', () => {
    const log = logOf([
      packet(0, 'audio'),
      decoderError('Reserved bit set.', 'aac'),
      packet(1),
      decoderError('reference picture missing during reorder'),
      picture(1, 0),
      packet(2),
      picture(2, 1),
      packet(3),
      decoderError('Prediction is not allowed in AC mode', 'aac'),
      picture(3, 0),
    ]);
    expect(flags(log, [1, 2, 3])).toEqual([false, false, false]);
  });

  it("measures damage in pictures' worth of concealed macroblocks, summed over the damaged references", () => {
    // Decode order I0 P3 B1 B2 P4, 300 macroblocks a picture. P3 conceals 75 (0.25), B1 30 (0.1, not a
    // reference), P4 150 (0.5); B2 has errors but no concealment report (a whole picture).
    const log = logOf([
      packet(0),
      packet(3),
      decoderError('corrupted macroblock 3 1 (total_coeff=-1)'),
      concealing(75),
      picture(0, 1),
      packet(1),
      decoderError('Invalid level prefix'),
      concealing(30, 'B'),
      picture(1, 0, 3),
      packet(2),
      decoderError('decode_slice_header error'),
      picture(2, 0, 3),
      picture(3, 0),
      packet(4),
      decoderError('error while decoding MB 6 0'),
      concealing(100),
      concealing(50),
      picture(4, 0),
      packet(5),
      picture(5, 0),
    ]);
    const damage = [0, 1, 2, 3, 4, 5].map((p) => log.take(String(p)));
    expect(damage).toEqual([0, 0.25 + 0.1, 0.25 + 1, 0.25, 0.25 + 0.5, 0.25 + 0.5]);
  });

  it('counts concealment only where the decoder also reported errors, and caps a packet at one picture', () => {
    const log = logOf([
      packet(0),
      picture(0, 1),
      packet(1),
      concealing(30),
      picture(1, 0),
      packet(2),
      decoderError('error while decoding MB 6 0'),
      concealing(400),
      picture(2, 0),
    ]);
    expect([0, 1, 2].map((p) => log.take(String(p)))).toEqual([0, 0, 1]);
  });

  it('reports nothing for a picture whose line has not arrived, until the log ends', () => {
    const log = new DecodeLog('h264', 320, 240);
    log.push(Buffer.from(`${packet(0)}\n${picture(0, 1)}\n${packet(1)}\n`));
    expect(log.take('0')).toBe(0);
    expect(log.take('1')).toBeUndefined();
    expect(log.ended).toBe(false);
    log.end();
    expect(log.ended).toBe(true);
  });
});

describe('DecodeReport', () => {
  it('has no name on disk, and hands over what is written to it', () => {
    const before = readdirSync(tmpdir()).filter((name) => name.startsWith('archbench-decode-'));
    const report = new DecodeReport();
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith('archbench-decode-'))).toEqual(before);
    expect(report.ffreport).toBe(`file=/dev/fd/${pipeFd.report}:level=32`);
    const seen: string[] = [];
    report.pull((piece) => seen.push(piece.toString()));
    expect(seen).toEqual([]);
    // ffmpeg writes through its own descriptor of the same file.
    writeSync(report.fd, 'first line\n', 0);
    writeSync(report.fd, 'second\n', 11);
    report.pull((piece) => seen.push(piece.toString()));
    expect(seen.join('')).toBe('first line\nsecond\n');
    report.close();
    report.close();
    report.pull(() => {
      throw new Error('closed: nothing to hand over');
    });
  });
});
