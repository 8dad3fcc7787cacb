/** Reverse-mode autodiff of ONNX graphs: see ./gradient-model.ts. */
export { type GradientOptions, gradientModel, gradName, STOP_GRADIENT } from './gradient-model.js';
export { NoGradientRuleError, RULES, ruleKey } from './registry.js';
