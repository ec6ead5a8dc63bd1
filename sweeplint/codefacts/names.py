"""Names of the library calls the code analysis recognises (no libcst here: rules import it)."""

from __future__ import annotations

# Calls whose arguments we record in full: optimizers, LR schedulers, trainers.
OPTIMIZERS = {
    "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "LBFGS", "SparseAdam",
    "Lion", "Adafactor", "LAMB", "Lamb", "FusedAdam", "AdamW8bit", "Adam8bit", "Rprop", "ASGD", "Muon",
    "sgd", "adam", "adamw", "rmsprop", "adagrad", "lamb", "lion",
}
SCHEDULERS = {
    "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "OneCycleLR", "StepLR", "MultiStepLR", "ExponentialLR",
    "LinearLR", "PolynomialLR", "CyclicLR", "LambdaLR", "ReduceLROnPlateau", "SequentialLR", "ConstantLR",
    "get_cosine_schedule_with_warmup", "get_linear_schedule_with_warmup", "get_polynomial_decay_schedule_with_warmup",
    "get_cosine_with_hard_restarts_schedule_with_warmup", "get_scheduler", "CosineDecay", "cosine_decay_schedule",
    "warmup_cosine_decay_schedule", "linear_schedule", "cosine_onecycle_schedule", "CosineLRScheduler",
}
TRAINERS = {"Trainer", "TrainingArguments", "Seq2SeqTrainingArguments", "fit"}
CONSTRUCTORS = OPTIMIZERS | SCHEDULERS | TRAINERS

# Frameworks that log metrics themselves: their keys cannot be known from the code.
AUTOLOGGERS = {
    "WandbCallback", "WandbMetricsLogger", "WandbEvalCallback", "WandbModelCheckpoint", "TuneReportCallback",
    "TuneReportCheckpointCallback", "Trainer", "Seq2SeqTrainer", "SFTTrainer", "DPOTrainer", "autolog",
}
