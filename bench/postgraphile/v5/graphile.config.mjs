// PostGraphile 5 as leerroute-bench runs it: the stock "amber" preset (the connection, schema,
// host and port come from the command line).
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

export default {
  extends: [PostGraphileAmberPreset],
};
