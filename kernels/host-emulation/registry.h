/*
 * registry.h: the emulated kernels by name, each with its parameters' sizes and a function that calls
 * it from an array of pointers to its arguments (cuLaunchKernel's kernelParams). The files in modules/
 * register every entry point of their kernel file; the stand-in driver finds them by the names in
 * the PTX, and checks the sizes against the PTX's .param list.
 */
#ifndef DESCENT_REGISTRY_H
#define DESCENT_REGISTRY_H
#include <stddef.h>

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace descent_emu {

struct Kernel {
    std::string name;
    std::vector<size_t> parameter_sizes;
    void (*invoke)(void *const *arguments);
};

/* The kernel of that name, or null. */
const Kernel *find_kernel(const std::string &name);
/* Every registered kernel, in name order. */
std::vector<const Kernel *> kernels();

struct Registration {
    Registration(const char *name, std::vector<size_t> parameter_sizes, void (*invoke)(void *const *));
};

template <auto F>
struct Entry;

template <typename... A, void (*F)(A...)>
struct Entry<F> {
    static void invoke(void *const *arguments) { call(arguments, std::index_sequence_for<A...>{}); }
    static std::vector<size_t> sizes() { return {sizeof(A)...}; }

  private:
    template <size_t... I>
    static void call(void *const *arguments, std::index_sequence<I...>) {
        F(*static_cast<std::remove_cv_t<A> *>(arguments[I])...);
    }
};

}  // namespace descent_emu

#define DESCENT_EMU_KERNEL(name)                                                                                   \
    static const descent_emu::Registration registration_##name(#name, descent_emu::Entry<&name>::sizes(),         \
                                                               &descent_emu::Entry<&name>::invoke)

#endif
