// Parity debugging: run the prebuilt llama.cpp of node-llama-cpp (the build the goldens come from) on
// token ids, write every named graph tensor (eval callback) and the logits of every position.
// usage: llamacpp_tap MODEL IDS(comma) NBATCH(first n ids as one batch, rest one by one) OUTDIR [fa:1|0] [kv:f16|f32] [names...]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#include <map>
#include "llama.h"
#include "ggml-backend.h"

static std::string g_out;
static std::vector<std::string> g_names;
static std::map<std::string,int> g_count;
static int g_step = 0;

static bool cb(struct ggml_tensor * t, bool ask, void *) {
  std::string n = t->name;
  bool want = g_names.empty();
  for (auto& w : g_names) if (n.rfind(w, 0) == 0) want = true;
  if (ask) return want;
  if (!want) return true;
  if (t->type != GGML_TYPE_F32 && t->type != GGML_TYPE_F16) return true;
  int c = g_count[n + "@" + std::to_string(g_step)]++;
  char path[512];
  snprintf(path, sizeof path, "%s/s%d_%s_%d.bin", g_out.c_str(), g_step, n.c_str(), c);
  FILE* f = fopen(path, "wb");
  // header: type, ne0..3
  int32_t hdr[5] = {(int32_t)t->type, (int32_t)t->ne[0], (int32_t)t->ne[1], (int32_t)t->ne[2], (int32_t)t->ne[3]};
  fwrite(hdr, sizeof hdr, 1, f);
  size_t es = ggml_type_size(t->type);
  std::vector<char> buf(es);
  for (int64_t i3 = 0; i3 < t->ne[3]; ++i3) for (int64_t i2 = 0; i2 < t->ne[2]; ++i2)
  for (int64_t i1 = 0; i1 < t->ne[1]; ++i1) for (int64_t i0 = 0; i0 < t->ne[0]; ++i0) {
    size_t off = i0*t->nb[0] + i1*t->nb[1] + i2*t->nb[2] + i3*t->nb[3];
    ggml_backend_tensor_get(t, buf.data(), off, es);
    fwrite(buf.data(), es, 1, f);
  }
  fclose(f);
  return true;
}

int main(int argc, char** argv) {
  if (argc < 5) { fprintf(stderr, "usage\n"); return 2; }
  const char* model_path = argv[1];
  std::vector<llama_token> ids;
  for (char* p = strtok(argv[2], ","); p; p = strtok(nullptr, ",")) ids.push_back(atoi(p));
  int nbatch = atoi(argv[3]);
  g_out = argv[4];
  int fa = argc > 5 ? atoi(argv[5]) : 1;
  bool kv32 = argc > 6 && std::string(argv[6]) == "f32";
  for (int i = 7; i < argc; ++i) g_names.push_back(argv[i]);
  if (g_names.size() == 1 && g_names[0] == "none") g_names = {"__none__"}; if (g_names.size() == 1 && g_names[0] == "all") g_names.clear();
  llama_log_set([](ggml_log_level l, const char* t, void*) { if (l >= GGML_LOG_LEVEL_WARN || getenv("LREF_LOG")) fputs(t, stderr); }, nullptr);
  ggml_backend_load_all_from_path("/work/ref/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64");
  llama_backend_init();
  auto mp = llama_model_default_params();
  mp.n_gpu_layers = 0;
  if (getenv("LREF_NOREPACK")) mp.use_extra_bufts = false;
  llama_model* model = llama_model_load_from_file(model_path, mp);
  if (!model) { fprintf(stderr, "load failed\n"); return 1; }
  auto cp = llama_context_default_params();
  cp.n_ctx = 512; cp.n_batch = 512; cp.n_ubatch = 512; cp.n_threads = 1; cp.n_threads_batch = 1; cp.n_seq_max = 1;
  cp.swa_full = false;
  cp.flash_attn_type = fa ? LLAMA_FLASH_ATTN_TYPE_AUTO : LLAMA_FLASH_ATTN_TYPE_DISABLED;
  cp.type_k = kv32 ? GGML_TYPE_F32 : GGML_TYPE_F16;
  cp.type_v = kv32 ? GGML_TYPE_F32 : GGML_TYPE_F16;
  cp.cb_eval = cb; cp.cb_eval_user_data = nullptr;
  llama_context* ctx = llama_init_from_model(model, cp);
  const int nv = llama_vocab_n_tokens(llama_model_get_vocab(model));
  std::string lp = g_out + "/logits.bin";
  FILE* lf = fopen(lp.c_str(), "wb");
  auto run = [&](int start, int n) {
    llama_batch b = llama_batch_init(n, 0, 1);
    for (int i = 0; i < n; ++i) { b.token[i] = ids[start+i]; b.pos[i] = start+i; b.n_seq_id[i] = 1; b.seq_id[i][0] = 0; b.logits[i] = 1; }
    b.n_tokens = n;
    if (llama_decode(ctx, b) != 0) { fprintf(stderr, "decode failed\n"); exit(1); }
    for (int i = 0; i < n; ++i) fwrite(llama_get_logits_ith(ctx, i), sizeof(float), nv, lf);
    llama_batch_free(b);
    ++g_step;
  };
  run(0, nbatch);
  for (int i = nbatch; i < (int)ids.size(); ++i) run(i, 1);
  fclose(lf);
  llama_free(ctx); llama_model_free(model);
  return 0;
}
