// The series domain's public surface: other domains import only this file.
export { seriesFeature as feature } from "./feature";
export { maintainSeries, rollUpRecent } from "./services/maintain";
