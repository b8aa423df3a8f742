// A step of `npm run sdk:generate`: sdk/openapi.json → sdk/go/models_gen.go and
// operations_gen.go.
import { generateGo } from "../../sdk/generators/go";
import { writeGenerated } from "./write-generated";

writeGenerated("sdk/go", generateGo);
