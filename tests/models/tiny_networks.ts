/** Every tfjs network plugin with settings small enough for the cpu backend; the sequence models on 8-step windows. */
export const TINY_NETWORKS: Record<string, { seqLen: number; params: object }> = {
  logistic: { seqLen: 1, params: {} },
  mlp: { seqLen: 4, params: {} },
  lstm: { seqLen: 8, params: { units: 8 } },
  gru: { seqLen: 8, params: { units: 8, layers: 2, head: "mean", class_weight: "balanced" } },
  tcn: { seqLen: 8, params: { filters: 8, dilations: [1, 2] } },
  transformer: { seqLen: 8, params: { d_model: 8, heads: 2, ff: 16, layers: 1 } },
  nhits: { seqLen: 8, params: { hidden: 16, pools: [4, 1] } },
  patchtst: { seqLen: 8, params: { d_model: 8, heads: 2, ff: 16, layers: 1, patch_len: 4, stride: 2 } },
  wavenet: { seqLen: 8, params: { residual_channels: 8, skip_channels: 8, dilations: [1, 2] } },
  rwkv: { seqLen: 8, params: { d_model: 8, layers: 2 } },
  tft: { seqLen: 8, params: { d_model: 8, heads: 2 } },
  informer: { seqLen: 8, params: { d_model: 8, heads: 2, ff: 16, layers: 2 } },
  autoformer: { seqLen: 8, params: { d_model: 8, ff: 16, layers: 1, moving_average: 3 } },
  timesnet: { seqLen: 8, params: { d_model: 8, ff: 8, layers: 1, kernels: 2 } },
};
