/**
 * The results panel's elements, registered by importing this module, and the types their
 * properties and events use.
 */
import "./boundary-plot";
import "./class-metrics";
import "./confusion-matrix";
import "./filter-view";
import "./layer-stats";
import "./metric-chart";
import "./modes-view";
import "./prediction-grid";
import "./race-table";
import "./roc-chart";
import "./sequence-view";

export type { BoundaryPlot } from "./boundary-plot";
export type { ConfusionMatrix } from "./confusion-matrix";
export type { Filters, FilterView } from "./filter-view";
export type { LayerStats } from "./layer-stats";
export type { MetricChart } from "./metric-chart";
export type { MetricMode } from "./metric-series";
export type { ImageShape } from "./pixels";
export type { PredictionGrid } from "./prediction-grid";
export type { RaceTable } from "./race-table";
export type { Roc, RocChart } from "./roc-chart";
export type { SequenceView } from "./sequence-view";
export type { TestGrid } from "./test-grid";
