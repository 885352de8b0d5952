/**
 * The page's one script. In the page it runs the interface; started again as a Web Worker (from a Blob URL of its
 * own text) it reads and checks files. Both halves are thin edges over src/core.
 */
import './page-data-files.js';
import { setMessageAudience } from '../core/rules/rules.js';
import { startApp } from './app.js';
import { runReadingWorker } from './worker.js';

// Its readers have the page, not the commands: every message says what to do on the page (rules.ts, ADVICE).
setMessageAudience('page');

if (typeof document === 'undefined') runReadingWorker(self as unknown as Parameters<typeof runReadingWorker>[0]);
else if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', startApp);
else startApp();
