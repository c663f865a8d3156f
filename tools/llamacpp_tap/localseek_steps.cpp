// Our engine on the same schedule as llamacpp_tap (first NBATCH ids as one batch, then one token per
// eval), logits of every position to OUTDIR/logits.bin.  usage: localseek_steps MODEL IDS NBATCH OUTDIR [f16|f32]
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>
#include "model/context.h"
#include "model/model.h"
using namespace ls::model;
int main(int argc, char** argv) {
  std::vector<int32_t> ids;
  for (char* p = strtok(argv[2], ","); p; p = strtok(nullptr, ",")) ids.push_back(atoi(p));
  int nbatch = atoi(argv[3]);
  std::string out = argv[4];
  bool kv32 = argc > 5 && std::string(argv[5]) == "f32";
  auto m = Model::load(argv[1]);
  if (!m.ok()) { fprintf(stderr, "%s\n", m.error().message.c_str()); return 1; }
  ContextOptions o; o.n_ctx = 512; o.kv_type = kv32 ? KvType::kF32 : KvType::kF16; o.n_threads = 1;
  auto ctx = Context::create(*m, o);
  const int nv = (*m)->hparams().n_vocab;
  FILE* lf = fopen((out + "/logits.bin").c_str(), "wb");
  auto r = (*ctx)->eval(std::span<const int32_t>(ids.data(), nbatch), true);
  fwrite(r->data(), sizeof(float), size_t(nbatch) * nv, lf);
  for (size_t i = nbatch; i < ids.size(); ++i) {
    auto n = (*ctx)->eval(std::span<const int32_t>(&ids[i], 1));
    fwrite(n->data(), sizeof(float), nv, lf);
  }
  fclose(lf);
}
