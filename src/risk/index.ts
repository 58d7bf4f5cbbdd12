/** Churn risk: pure decision logic (features, model, training, routing). No I/O. */
export * from "./features";
export * from "./flags";
export * from "./model";
export * from "./routing";
export * from "./train";
