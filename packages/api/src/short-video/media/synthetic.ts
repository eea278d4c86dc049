import { writeFile } from 'node:fs/promises';

/** One step of the audience curve: `count` viewers from `fromSec` (seconds into the recording) on. */
export interface AudienceStep {
  fromSec: number;
  count: number;
}

const font = 'fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

/**
 * The ffmpeg arguments of a synthetic recording (SYNTHETIC_RECORDINGS): a 640×360 test pattern as
 * long as the live, with its title, a clock and its audience second by second, over a tone, so a
 * highlight visibly sits on the peak. The title is the operator's free text: it goes through a file
 * (`textfile`), never into the filter's syntax; the filter itself goes through a file too, since a
 * long live's audience makes it long.
 */
export async function syntheticRecordingArgs(options: {
  title: string;
  durationSec: number;
  audience: AudienceStep[];
  titleFile: string;
  filterFile: string;
  output: string;
}): Promise<string[]> {
  const { durationSec, audience } = options;
  await writeFile(options.titleFile, options.title.replace(/[\r\n]+/g, ' '));
  const box = 'box=1:boxcolor=black@0.55:boxborderw=10:fontcolor=white';
  const filters = [
    `drawtext=${font}:expansion=none:textfile='${escapeFilterValue(options.titleFile)}':x=(w-text_w)/2:y=24:fontsize=28:${box}`,
    `drawtext=${font}:text='%{pts\\:hms}':x=24:y=h-60:fontsize=26:${box}`,
  ];
  // One caption per step of the curve, shown while that count holds.
  audience.forEach((step, index) => {
    const until = audience[index + 1]?.fromSec ?? durationSec + 1;
    if (until <= step.fromSec) return;
    const label = `${step.count} watching`;
    filters.push(
      `drawtext=${font}:text='${label}':x=w-text_w-24:y=h-60:fontsize=26:${box}:enable='gte(t\\,${step.fromSec})*lt(t\\,${until})'`,
    );
  });
  await writeFile(options.filterFile, filters.join(',\n'));
  const seconds = String(durationSec);
  return [
    ['-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=25:duration=${seconds}`],
    ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${seconds}`],
    ['-filter_script:v', options.filterFile],
    ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50', '-pix_fmt', 'yuv420p'],
    ['-c:a', 'aac', '-b:a', '64k', '-shortest', '-movflags', '+faststart', '-f', 'mp4', options.output],
  ].flat();
}

/** A value inside a filter's single quotes: only `'` and `\` need escaping there. */
function escapeFilterValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "'\\''").replace(/:/g, '\\:');
}
