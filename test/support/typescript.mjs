// Test workers read TypeScript through tsx (worker threads do not run the main thread's `--import`).
import { register } from 'tsx/esm/api';
register();
