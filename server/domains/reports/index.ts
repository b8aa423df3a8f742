// The reports domain's public surface: other domains import only this file.
export { reportsFeature as feature } from "./feature";
export { sweepMonthlyReports } from "./services/monthly-mail";
export { printPdf } from "./services/print-pdf";
