// Tests call the core directly: give it the package's data files, as the CLI does.
import '../src/node/data-files.js';
