import { describe, expect, it } from 'vitest';
import { parseFfmpegInputDump } from './ffmpeg-dump-probe.ts';

const tsDump = `Input #0, mpegts, from 'file:/clips/off.ts':
  Duration: 00:01:03.01, start: 1.443511, bitrate: 740 kb/s
  Program 1 
    Metadata:
      service_name    : Service01
    Stream #0:0[0x100]: Video: h264 (High) ([27][0][0][0] / 0x001B), yuv420p(progressive), 320x240 [SAR 1:1 DAR 4:3], 29.97 fps, 29.97 tbr, 90k tbn, 59.94 tbc
    Stream #0:1[0x101]: Audio: aac (LC) ([15][0][0][0] / 0x000F), 44100 Hz, mono, fltp, 4 kb/s
    Stream #0:2[0x102]: Audio: aac (LC) ([15][0][0][0] / 0x000F), 48000 Hz, 5.1(side), fltp, 951 kb/s
    Stream #0:3[0x103]: Video: png, rgb24(pc), 64x64, 90k tbr, 90k tbn, 90k tbc (attached pic)
At least one output file must be specified`;

describe('parseFfmpegInputDump', () => {
  it('reads format, duration, start time and streams', () => {
    const parsed = parseFfmpegInputDump(tsDump);
    expect(parsed?.format).toEqual({ format_name: 'mpegts', duration: '63.01', start_time: '1.443511' });
    expect(parsed?.streams).toEqual([
      {
        index: 0,
        codec_type: 'video',
        codec_name: 'h264',
        disposition: { attached_pic: 0 },
        width: 320,
        height: 240,
        sample_aspect_ratio: '1:1',
        avg_frame_rate: '29.97',
        r_frame_rate: '29.97',
        time_base: '1/90000',
      },
      {
        index: 1,
        codec_type: 'audio',
        codec_name: 'aac',
        disposition: { attached_pic: 0 },
        sample_rate: '44100',
        channels: 1,
      },
      {
        index: 2,
        codec_type: 'audio',
        codec_name: 'aac',
        disposition: { attached_pic: 0 },
        sample_rate: '48000',
        channels: 6,
      },
      expect.objectContaining({
        index: 3,
        codec_type: 'video',
        codec_name: 'png',
        disposition: { attached_pic: 1 },
      }),
    ]);
  });

  it('returns undefined when ffmpeg did not recognise the input', () => {
    expect(parseFfmpegInputDump('file:x.mp4: Invalid data found when processing input')).toBeUndefined();
  });
});
