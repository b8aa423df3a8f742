// A step of `npm run sdk:generate`: sdk/openapi.json → sdk/python/patronus/models.py and
// _operations.py.
import { generatePython } from "../../sdk/generators/python";
import { writeGenerated } from "./write-generated";

writeGenerated("sdk/python", generatePython);
