/** Entry point of the bundled action. */
import { run } from './main.js';

await run();
