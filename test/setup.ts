// Tests call the core directly: give it the package's data files, as the CLI does.
import '../src/node/package-data-files.js';
