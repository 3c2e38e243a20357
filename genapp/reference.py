"""The textbook equations of recurrent networks, as plain NumPy (float64), next to their formulas.

This module is the oracle for genapp's Keras models: tests load the same
weights here and in Keras and require the same numbers.  It is written to be
read beside the equations, in the course's layout: a batch of m examples is
stored column-wise, x<t> has shape (n_x, m), a<t> has shape (n_a, m), and a
sequence stacks time on the last axis, x of shape (n_x, m, T_x).  [a, x]
means stacking a on top of x (shape (n_a + n_x, m)); * is the element-wise
product.

Keras stores the same weights differently (row-major, gates side by side);
``params_from_keras_*`` map them explicitly, gate by gate.

Nothing here imports Keras.
"""

from __future__ import annotations

import numpy as np

# ---- activations ------------------------------------------------------------------------------


def sigmoid(z: np.ndarray) -> np.ndarray:
    """sigma(z) = 1 / (1 + e^-z)"""
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z: np.ndarray) -> np.ndarray:
    """softmax(z)_i = e^z_i / sum_j e^z_j, over axis 0 (the classes of each column)."""
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


# ---- basic RNN ----------------------------------------------------------------------------


def rnn_cell_forward(xt, a_prev, p):
    """One step of the basic RNN.

        a<t>     = tanh(W_a [a<t-1>, x<t>] + b_a)      with W_a = [W_aa | W_ax]
        y_hat<t> = softmax(W_y a<t> + b_y)

    xt (n_x, m), a_prev (n_a, m); p holds Waa (n_a, n_a), Wax (n_a, n_x), ba (n_a, 1),
    Wya (n_y, n_a), by (n_y, 1).  Returns a_next (n_a, m), yt_hat (n_y, m), cache.
    """
    a_next = np.tanh(p["Waa"] @ a_prev + p["Wax"] @ xt + p["ba"])
    yt_hat = softmax(p["Wya"] @ a_next + p["by"])
    return a_next, yt_hat, (a_next, a_prev, xt)


def rnn_forward(x, a0, p):
    """The basic RNN over a sequence: x (n_x, m, T_x), a0 (n_a, m) -> a (n_a, m, T_x), y_hat (n_y, m, T_x), caches."""
    n_x, m, t_x = x.shape
    n_a, n_y = p["Waa"].shape[0], p["Wya"].shape[0]
    a, y_hat, caches = np.zeros((n_a, m, t_x)), np.zeros((n_y, m, t_x)), []
    a_t = a0
    for t in range(t_x):
        a_t, y_hat[:, :, t], cache = rnn_cell_forward(x[:, :, t], a_t, p)
        a[:, :, t] = a_t
        caches.append(cache)
    return a, y_hat, caches


# ---- GRU ----------------------------------------------------------------------------------


def gru_cell_forward(xt, c_prev, p):
    """One step of the full GRU (update gate Gamma_u, relevance gate Gamma_r).

        Gamma_r = sigma(W_r [c<t-1>, x<t>] + b_r)
        Gamma_u = sigma(W_u [c<t-1>, x<t>] + b_u)
        c~<t>   = tanh(W_c [Gamma_r * c<t-1>, x<t>] + b_c)
        c<t>    = Gamma_u * c~<t> + (1 - Gamma_u) * c<t-1>
        a<t>    = c<t>

    p holds Wr, Wu, Wc (n_a, n_a + n_x) and br, bu, bc (n_a, 1).  Returns c_next (n_a, m), cache.
    """
    concat = np.vstack([c_prev, xt])
    gamma_r = sigmoid(p["Wr"] @ concat + p["br"])
    gamma_u = sigmoid(p["Wu"] @ concat + p["bu"])
    c_tilde = np.tanh(p["Wc"] @ np.vstack([gamma_r * c_prev, xt]) + p["bc"])
    c_next = gamma_u * c_tilde + (1 - gamma_u) * c_prev
    return c_next, (gamma_r, gamma_u, c_tilde)


def gru_forward(x, c0, p):
    """The GRU over a sequence: x (n_x, m, T_x) -> a (n_a, m, T_x) (a<t> = c<t>)."""
    n_a = p["Wu"].shape[0]
    a = np.zeros((n_a, x.shape[1], x.shape[2]))
    c = c0
    for t in range(x.shape[2]):
        c, _ = gru_cell_forward(x[:, :, t], c, p)
        a[:, :, t] = c
    return a


# ---- LSTM ---------------------------------------------------------------------------------


def lstm_cell_forward(xt, a_prev, c_prev, p):
    """One step of the LSTM (update, forget and output gates).

        Gamma_f = sigma(W_f [a<t-1>, x<t>] + b_f)
        Gamma_u = sigma(W_u [a<t-1>, x<t>] + b_u)
        c~<t>   = tanh(W_c [a<t-1>, x<t>] + b_c)
        c<t>    = Gamma_u * c~<t> + Gamma_f * c<t-1>
        Gamma_o = sigma(W_o [a<t-1>, x<t>] + b_o)
        a<t>    = Gamma_o * tanh(c<t>)
        y_hat<t> = softmax(W_y a<t> + b_y)

    p holds Wf, Wu, Wc, Wo (n_a, n_a + n_x), bf, bu, bc, bo (n_a, 1), Wy (n_y, n_a), by (n_y, 1).
    Returns a_next, c_next (n_a, m), yt_hat (n_y, m), cache.
    """
    concat = np.vstack([a_prev, xt])
    gamma_f = sigmoid(p["Wf"] @ concat + p["bf"])
    gamma_u = sigmoid(p["Wu"] @ concat + p["bu"])
    c_tilde = np.tanh(p["Wc"] @ concat + p["bc"])
    c_next = gamma_u * c_tilde + gamma_f * c_prev
    gamma_o = sigmoid(p["Wo"] @ concat + p["bo"])
    a_next = gamma_o * np.tanh(c_next)
    yt_hat = softmax(p["Wy"] @ a_next + p["by"])
    return a_next, c_next, yt_hat, (a_next, c_next, a_prev, c_prev, gamma_f, gamma_u, c_tilde, gamma_o, xt)


def lstm_forward(x, a0, p, c0=None):
    """The LSTM over a sequence: x (n_x, m, T_x) -> a, c (n_a, m, T_x), y_hat (n_y, m, T_x), caches."""
    n_x, m, t_x = x.shape
    n_a, n_y = p["Wf"].shape[0], p["Wy"].shape[0]
    a, c, y_hat, caches = np.zeros((n_a, m, t_x)), np.zeros((n_a, m, t_x)), np.zeros((n_y, m, t_x)), []
    a_t, c_t = a0, np.zeros_like(a0) if c0 is None else c0
    for t in range(t_x):
        a_t, c_t, y_hat[:, :, t], cache = lstm_cell_forward(x[:, :, t], a_t, c_t, p)
        a[:, :, t], c[:, :, t] = a_t, c_t
        caches.append(cache)
    return a, c, y_hat, caches


# ---- deep and bidirectional RNNs ----------------------------------------------------------


def deep_rnn_forward(x, layers):
    """A stack of recurrent layers: layer l reads the sequence of activations of layer l-1.

        a^[l]<t> = cell(a^[l-1]<t>, a^[l]<t-1>)        with a^[0]<t> = x<t>

    ``layers``: [(cell, params)] with cell in "rnn", "gru", "lstm" (each starting from zero states).
    Returns the top layer's activations (n_a, m, T_x).
    """
    a = x
    for cell, p in layers:
        n_a = (p.get("Waa") if cell == "rnn" else p.get("Wu")).shape[0]
        zeros = np.zeros((n_a, x.shape[1]))
        if cell == "rnn":
            a = rnn_forward(a, zeros, {**p, "Wya": np.zeros((1, n_a)), "by": np.zeros((1, 1))})[0]
        elif cell == "gru":
            a = gru_forward(a, zeros, p)
        elif cell == "lstm":
            a = lstm_forward(a, zeros, {**p, "Wy": np.zeros((1, n_a)), "by": np.zeros((1, 1))})[0]
        else:
            raise ValueError(f"expected cell to be rnn, gru or lstm, got {cell!r}")
    return a


def bidirectional_rnn_forward(x, p_forward, p_backward, Wy, by):
    """The bidirectional RNN: one basic RNN reads x<1..T>, another reads x<T..1>.

        y_hat<t> = softmax(W_y [a_forward<t>, a_backward<t>] + b_y)

    Returns y_hat (n_y, m, T_x).
    """
    m = x.shape[1]
    no_out = {"Wya": np.zeros((1, p_forward["Waa"].shape[0])), "by": np.zeros((1, 1))}
    a_f = rnn_forward(x, np.zeros((p_forward["Waa"].shape[0], m)), {**p_forward, **no_out})[0]
    no_out = {"Wya": np.zeros((1, p_backward["Waa"].shape[0])), "by": np.zeros((1, 1))}
    a_b = rnn_forward(x[:, :, ::-1], np.zeros((p_backward["Waa"].shape[0], m)), {**p_backward, **no_out})[0][:, :, ::-1]
    y_hat = np.zeros((Wy.shape[0], m, x.shape[2]))
    for t in range(x.shape[2]):
        y_hat[:, :, t] = softmax(Wy @ np.vstack([a_f[:, :, t], a_b[:, :, t]]) + by)
    return y_hat


# ---- losses -------------------------------------------------------------------------------


def cross_entropy(y_hat, y):
    """Softmax outputs: L = sum_t L<t>,  L<t> = -sum_i y_i<t> log y_hat_i<t>; averaged over the m examples.

    y_hat, y: (n_y, m, T_x), y one-hot.
    """
    return float(-np.sum(y * np.log(y_hat)) / y.shape[1])


def binary_cross_entropy(y_hat, y):
    """Sigmoid outputs: L = sum_t -(y<t> log y_hat<t> + (1 - y<t>) log(1 - y_hat<t>)); averaged over examples."""
    return float(-np.sum(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)) / y.shape[1])


# ---- backpropagation through time -------------------------------------------------------------


def rnn_backward(x, y, a0, p):
    """Loss and gradients of the basic RNN with softmax outputs and the summed cross-entropy.

    Through time, from t = T_x down to 1, with da<t> = W_y^T dz_y<t> + da_next:

        dz_y<t>  = (y_hat<t> - y<t>) / m                 (softmax + cross-entropy)
        dW_y    += dz_y<t> a<t>^T,    db_y += sum over examples of dz_y<t>
        dz<t>    = (1 - a<t>^2) * da<t>                  (tanh)
        dW_ax   += dz<t> x<t>^T,  dW_aa += dz<t> a<t-1>^T,  db_a += sum of dz<t>
        da_next  = W_aa^T dz<t>

    Returns (loss, grads) with grads for Wax, Waa, ba, Wya, by and a0.
    """
    a, y_hat, caches = rnn_forward(x, a0, p)
    m = x.shape[1]
    g = {k: np.zeros_like(v) for k, v in p.items()}
    da_next = np.zeros_like(a0)
    for t in reversed(range(x.shape[2])):
        a_t, a_prev, xt = caches[t]
        dzy = (y_hat[:, :, t] - y[:, :, t]) / m
        g["Wya"] += dzy @ a_t.T
        g["by"] += dzy.sum(axis=1, keepdims=True)
        dz = (1 - a_t**2) * (p["Wya"].T @ dzy + da_next)
        g["Wax"] += dz @ xt.T
        g["Waa"] += dz @ a_prev.T
        g["ba"] += dz.sum(axis=1, keepdims=True)
        da_next = p["Waa"].T @ dz
    g["a0"] = da_next
    return cross_entropy(y_hat, y), g


def lstm_backward(x, y, a0, p):
    """Loss and gradients of the LSTM with softmax outputs and the summed cross-entropy.

    Through time, with da<t> = W_y^T dz_y<t> + da_next and dc<t> = dc_next + da<t> * Gamma_o * (1 - tanh(c<t>)^2):

        dGamma_o = da<t> * tanh(c<t>) * Gamma_o (1 - Gamma_o)
        dc~      = dc<t> * Gamma_u * (1 - c~^2)
        dGamma_u = dc<t> * c~ * Gamma_u (1 - Gamma_u)
        dGamma_f = dc<t> * c<t-1> * Gamma_f (1 - Gamma_f)
        dW_g    += dGamma_g [a<t-1>, x<t>]^T    (g = f, u, c, o; likewise db_g)
        da_next  = sum_g (W_g[:, :n_a])^T dGamma_g,    dc_next = dc<t> * Gamma_f

    Returns (loss, grads) for Wf, bf, Wu, bu, Wc, bc, Wo, bo, Wy, by and a0.
    """
    a, c, y_hat, caches = lstm_forward(x, a0, p)
    m, n_a = x.shape[1], a0.shape[0]
    g = {k: np.zeros_like(v) for k, v in p.items()}
    da_next, dc_next = np.zeros_like(a0), np.zeros_like(a0)
    for t in reversed(range(x.shape[2])):
        a_t, c_t, a_prev, c_prev, gf, gu, ct, go, xt = caches[t]
        dzy = (y_hat[:, :, t] - y[:, :, t]) / m
        g["Wy"] += dzy @ a_t.T
        g["by"] += dzy.sum(axis=1, keepdims=True)
        da = p["Wy"].T @ dzy + da_next
        dc = dc_next + da * go * (1 - np.tanh(c_t) ** 2)
        d = {
            "o": da * np.tanh(c_t) * go * (1 - go),
            "c": dc * gu * (1 - ct**2),
            "u": dc * ct * gu * (1 - gu),
            "f": dc * c_prev * gf * (1 - gf),
        }
        concat = np.vstack([a_prev, xt])
        da_next = np.zeros_like(a0)
        for gate, dz in d.items():
            g[f"W{gate}"] += dz @ concat.T
            g[f"b{gate}"] += dz.sum(axis=1, keepdims=True)
            da_next += p[f"W{gate}"][:, :n_a].T @ dz
        dc_next = dc * gf
    g["a0"] = da_next
    return cross_entropy(y_hat, y), g


# ---- clipping and sampling --------------------------------------------------------------------


def clip_by_value(grads: dict, max_value: float) -> dict:
    """Each entry of each gradient into [-max_value, max_value] (the textbook cure for exploding gradients)."""
    return {k: np.clip(v, -max_value, max_value) for k, v in grads.items()}


def clip_by_global_norm(grads: dict, max_norm: float) -> dict:
    """Scale all gradients by max_norm / ||g|| when the norm of all of them together exceeds max_norm."""
    norm = np.sqrt(sum(float(np.sum(v**2)) for v in grads.values()))
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return {k: v * scale for k, v in grads.items()}


def sample(p: dict, n_x: int, end_index: int, rng: np.random.Generator, cell: str = "lstm", max_length: int = 50):
    """Sample a sequence from a trained character model, one index at a time.

    x<1> = 0; at each step y_hat<t> is computed, the next index is drawn with
    ``rng.choice(n_y, p=y_hat<t>)``, and its one-hot vector becomes x<t+1>;
    stops after ``end_index`` (the end-of-name token) or ``max_length`` indices.
    """
    n_a = (p["Wf"] if cell == "lstm" else p["Waa"]).shape[0]
    x, a, c = np.zeros((n_x, 1)), np.zeros((n_a, 1)), np.zeros((n_a, 1))
    indices = []
    while len(indices) < max_length:
        if cell == "lstm":
            a, c, y_hat, _ = lstm_cell_forward(x, a, c, p)
        else:
            a, y_hat, _ = rnn_cell_forward(x, a, p)
        idx = int(rng.choice(y_hat.shape[0], p=y_hat.ravel()))
        indices.append(idx)
        if idx == end_index:
            break
        x = np.zeros((n_x, 1))
        x[idx] = 1
    return indices


# ---- Keras weight layouts ----------------------------------------------------------------------
# Keras computes x @ kernel + h @ recurrent_kernel + bias (row-major, examples in rows) with the
# gates side by side in the last axis; the reference computes W [a, x] + b with examples in columns.


def params_from_keras_simple_rnn(kernel, recurrent_kernel, bias) -> dict:
    """SimpleRNN(tanh): kernel (n_x, n_a), recurrent_kernel (n_a, n_a), bias (n_a,)."""
    return {"Wax": kernel.T.astype(float), "Waa": recurrent_kernel.T.astype(float), "ba": bias[:, None].astype(float)}


def params_from_keras_lstm(kernel, recurrent_kernel, bias) -> dict:
    """LSTM: gates in Keras order i, f, c, o = update, forget, candidate, output."""
    n_a = recurrent_kernel.shape[0]
    p = {}
    for k, gate in enumerate(("u", "f", "c", "o")):
        cols = slice(k * n_a, (k + 1) * n_a)
        p[f"W{gate}"] = np.hstack([recurrent_kernel[:, cols].T, kernel[:, cols].T]).astype(float)
        p[f"b{gate}"] = bias[cols][:, None].astype(float)
    return p


def params_from_keras_gru(kernel, recurrent_kernel, bias) -> dict:
    """GRU with reset_after=False: gates in Keras order z, r, h.

    Keras updates h<t> = z * h<t-1> + (1 - z) * h~, so its z is the textbook's
    1 - Gamma_u; since 1 - sigma(s) = sigma(-s), Gamma_u's weights and bias are z's negated.
    Keras's r is the relevance gate Gamma_r and its h~ is c~.
    """
    n_a = recurrent_kernel.shape[0]
    if bias.ndim != 1:
        raise ValueError("expected a GRU with reset_after=False (bias of shape (3 n_a,)); "
                         "reset_after=True applies Gamma_r after the product and is not the textbook GRU")
    block = lambda k: np.hstack([recurrent_kernel[:, k * n_a:(k + 1) * n_a].T, kernel[:, k * n_a:(k + 1) * n_a].T])  # noqa: E731
    return {
        "Wu": -block(0).astype(float), "bu": -bias[:n_a, None].astype(float),
        "Wr": block(1).astype(float), "br": bias[n_a:2 * n_a, None].astype(float),
        "Wc": block(2).astype(float), "bc": bias[2 * n_a:, None].astype(float),
    }


def params_from_keras_dense(kernel, bias, prefix: str = "Wy", bias_name: str = "by") -> dict:
    """Dense(softmax): kernel (n_a, n_y), bias (n_y,) -> W_y (n_y, n_a), b_y (n_y, 1)."""
    return {prefix: kernel.T.astype(float), bias_name: bias[:, None].astype(float)}
