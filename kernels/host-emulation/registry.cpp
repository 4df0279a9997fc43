#include "registry.h"

#include <map>

namespace descent_emu {
namespace {
std::map<std::string, Kernel> &table() {
    static std::map<std::string, Kernel> kernels;
    return kernels;
}
}  // namespace

Registration::Registration(const char *name, std::vector<size_t> parameter_sizes, void (*invoke)(void *const *)) {
    table()[name] = Kernel{name, std::move(parameter_sizes), invoke};
}

const Kernel *find_kernel(const std::string &name) {
    auto found = table().find(name);
    return found == table().end() ? nullptr : &found->second;
}

std::vector<const Kernel *> kernels() {
    std::vector<const Kernel *> all;
    for (const auto &entry : table()) {
        all.push_back(&entry.second);
    }
    return all;
}

}  // namespace descent_emu
