import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';
import { API_ORIGIN, DASHBOARD_ORIGIN, OPERATOR_TOKEN } from './e2e/support/world';

/**
 * Debian's headless shell (`chromium-headless-shell`, what Playwright itself runs headless) when it
 * is installed: the browser without its window system used a third less CPU over the suite (31 s
 * against 43 s). Debian's full `chromium` otherwise (and, when neither is there, Playwright's error
 * names that path).
 */
const headlessShell = '/usr/bin/chromium-headless-shell';
const chromium = existsSync(headlessShell) ? headlessShell : '/usr/bin/chromium';

/**
 * End-to-end tests of the built dashboard against the built API (`pnpm build` first; turbo's `test`
 * depends on `build`). Browsers are never downloaded: the system's Chromium is used.
 */
export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  reporter: 'list',
  retries: 0,
  // Two files at a time (the tests of a file run in order). The story forces every short video to fail
  // for a while and waits for its own through the queue: beside it run the files that make no video
  // (the pages, their look on a phone and in the dark); those that do (Bull Board's waits for a READY
  // one; the paging test makes 26) come after it.
  workers: 2,
  fullyParallel: false,
  projects: [
    { name: 'story', testMatch: 'story.spec.ts' },
    { name: 'pages', testIgnore: ['story.spec.ts', 'bull-board.spec.ts', 'operator.spec.ts'] },
    // Their tests are independent of one another: any two at a time.
    {
      name: 'videos',
      testMatch: ['bull-board.spec.ts', 'operator.spec.ts'],
      dependencies: ['story'],
      fullyParallel: true,
    },
  ],
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    ...devices['Desktop Chrome'],
    baseURL: DASHBOARD_ORIGIN,
    screenshot: 'on',
    // A failed test keeps its trace (each action's DOM snapshot, network, console) without the
    // filmstrip: the screencast cost Chromium a third of its CPU in every test (72 s against 46 s
    // over the suite), and the end-of-test screenshot above still shows the page.
    trace: { mode: 'retain-on-failure', screenshots: false },
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: [
    {
      name: 'api',
      command: 'node e2e/run-api.mjs',
      url: `${API_ORIGIN}/readyz`,
      env: {
        PORT: new URL(API_ORIGIN).port,
        HOST: '127.0.0.1',
        OPERATOR_TOKEN,
        LOG_LEVEL: 'warn',
        NODE_ENV: 'test',
        // Only the browser's origin is the dashboard; the API is called from the dashboard server and Node.
        CORS_ORIGIN: DASHBOARD_ORIGIN,
        // The story (e2e/story.spec.ts) in seconds rather than minutes: viewers that vanish expire
        // within about 3.6 s, and a short video's stages pause 300 ms each (long enough to see its
        // progress) on top of cutting a real clip at ffmpeg's fastest preset, failing fast and
        // retrying quickly when a failure is forced.
        ENABLE_SIMULATOR: 'on',
        VIEWER_TTL_MS: '3000',
        SHORT_VIDEO_STAGE_MS: '300',
        RENDER_PRESET: 'ultrafast',
        SHORT_VIDEO_ATTEMPTS: '2',
        SHORT_VIDEO_BACKOFF_MS: '300',
        // A clip of at most 8 s: the story's lives last longer, and a real clip of each is cut.
        SYNTHETIC_RECORDING_MAX_SEC: '8',
      },
      // The API and run-api.mjs both get SIGTERM: the API closes cleanly, then its Redis keys and data go.
      gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      name: 'dashboard',
      command: `next start --hostname 127.0.0.1 --port ${new URL(DASHBOARD_ORIGIN).port}`,
      url: `${DASHBOARD_ORIGIN}/sign-in`,
      env: { API_URL: API_ORIGIN, NEXT_TELEMETRY_DISABLED: '1' },
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
