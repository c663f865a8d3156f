#include "kernels/ggml_order.h"

#include "kernels/scalar.h"

namespace ls::kernels {

const GgmlOrderDot* ggml_order_dot(GgmlType t) {
  static const GgmlOrderDot q2k{scalar::vec_dot_q2_k_ggml, scalar::vec_dot_q2_k_ggml_grouped};
  static const GgmlOrderDot q3k{scalar::vec_dot_q3_k_ggml, nullptr};
  static const GgmlOrderDot q4k{scalar::vec_dot_q4_k_ggml, scalar::vec_dot_q4_k_ggml_grouped};
  static const GgmlOrderDot q5k{scalar::vec_dot_q5_k_ggml, nullptr};
  static const GgmlOrderDot q6k{scalar::vec_dot_q6_k_ggml, nullptr};
  switch (t) {
    case GgmlType::Q2_K: return &q2k;
    case GgmlType::Q3_K: return &q3k;
    case GgmlType::Q4_K: return &q4k;
    case GgmlType::Q5_K: return &q5k;
    case GgmlType::Q6_K: return &q6k;
    default: return nullptr;
  }
}

}  // namespace ls::kernels
