// The overview domain's public surface: other domains import only this file.
export { overviewFeature as feature } from "./feature";
