"""Which data a reported objective is computed on: printed `key=value` lines, datasets built from a
path that names the split, and models fitted with a monitoring set (read from the code, never run)."""

from __future__ import annotations

import textwrap

from sweeplint.codefacts import file_facts_from_text


def splits(text: str) -> list[tuple[str | None, str | None, int | None]]:
    facts = file_facts_from_text(textwrap.dedent(text))
    assert facts.error is None, facts.error
    return [(m.key, m.split, m.split_span.line if m.split_span else None) for m in facts.metrics]


def test_printed_key_value_lines_carry_the_split_of_the_value_after_the_key():
    found = splits("""\
        import logging

        def report(model, test_ds, x_val, l):
            eval_loss, eval_acc = model.evaluate(test_ds)
            logging.info("loss={:.4f}".format(eval_loss))
            print(f"accuracy={eval_acc}")
            print("acc=%.3f err=%.3f" % (eval_acc, l))
            print("epoch={} vacc={}".format(1, model.evaluate(x_val)))
        """)
    assert found == [("loss", "test", 4), ("accuracy", "test", 4), ("acc", "test", 4), ("err", None, None),
                     ("epoch", None, None), ("vacc", None, None)]


def test_the_words_leading_a_printed_line_say_which_data_it_reports():
    found = splits("""\
        def train(loader, step):
            for batch in loader:
                print("Train Epoch: {} loss={:.4f}".format(step, batch))
                print("Test set: acc=%.3f" % step)
                print("Validation: loss={}".format(batch))
        """)
    assert found == [("loss", "train", 3), ("acc", "test", 4), ("loss", None, None)]


def test_a_dataset_built_from_a_path_that_names_the_test_split_is_test_data():
    found = splits("""\
        from determined.pytorch import DataLoader, PyTorchTrial

        class Trial(PyTorchTrial):
            def __init__(self, context):
                self.monitor_ds = ImageFolder("./data/photos/Test Data")
                self.other_ds = ImageFolder("/home/test/project/data/valid")

            def build_validation_data_loader(self):
                return DataLoader(self.monitor_ds)

            def evaluate_batch(self, batch):
                return {"validation_loss": loss(batch)}
        """)
    assert found == [("validation_loss", "test", 5)]


def test_only_the_last_part_of_a_path_names_its_split():
    found = splits("""\
        import wandb

        model = fit(load("/home/test/project/data/train.csv"))
        wandb.log({"acc": score(model, load("/srv/tests/data/holdout.csv"))})
        wandb.log({"acc2": score(model, load("/srv/tests/data/dev.csv"))})
        """)
    assert found == [("acc", "test", 4), ("acc2", None, None)]


def test_a_model_fitted_with_a_monitoring_set_predicts_on_the_data_it_is_given():
    found = splits("""\
        import nni

        def run(train_set, eval_set, x_test, y_test, x_val, y_val):
            booster = lgb.train({}, train_set, valid_sets=[eval_set])
            y_pred = booster.predict(x_test, num_iteration=booster.best_iteration)
            val_metric = auc(y_test, y_pred)
            nni.report_final_result(val_metric)
            nni.report_intermediate_result(auc(y_val, booster.predict(x_val)))
        """)
    assert found == [("default", "test", 5), ("default", None, None)]


def test_reports_know_how_often_their_literal_loops_run():
    facts = file_facts_from_text(textwrap.dedent("""\
        from ray import tune

        def trainable(config):
            for epoch in range(2, 12):
                for part in range(0, 6, 2):
                    tune.report({"a": 1})
                tune.report({"b": 1})
            for epoch in range(config["epochs"]):
                tune.report({"c": 1})
            while True:
                tune.report({"d": 1})
            tune.report({"e": 1})
        """))
    assert [(m.key, m.loops, m.trips) for m in facts.metrics] == [
        ("a", 2, 30), ("b", 1, 10), ("c", 1, None), ("d", 1, None), ("e", 0, None)]


def test_fields_named_after_a_split_keep_their_name():
    found = splits("""\
        from determined.pytorch import DataLoader, PyTorchTrial

        class Trial(PyTorchTrial):
            def __init__(self, context):
                train_size = int(0.8 * len(data))
                test_size = len(data) - train_size
                self.dataset_train, self.dataset_val = random_split(data, [train_size, test_size])

            def build_validation_data_loader(self):
                return DataLoader(self.dataset_val)

            def evaluate_batch(self, batch):
                return {"validation_loss": loss(batch)}
        """)
    assert found == [("validation_loss", None, None)]


def test_a_model_applied_to_data_is_judged_by_that_data_an_evaluator_by_its_own():
    found = splits("""\
        import wandb

        model = build()
        tuned = fit_on(x_holdout)
        trainer = Trainer(model, eval_dataset=test_set)
        wandb.log({"a": tuned.score(x_val, y_val), "b": trainer.evaluate()["loss"]})
        """)
    assert found == [("a", None, None), ("b", "test", 5)]


def test_a_printed_message_built_beforehand_is_read_where_it_was_built():
    found = splits("""\
        import logging

        def train(loader, epoch):
            for batch_idx, (data, target) in enumerate(loader):
                loss = step(data, target)
                msg = "Train Epoch: {} [{}/{}]\\tloss={:.4f}".format(epoch, batch_idx, len(loader), loss.item())
                logging.info(msg)

        def test(model, test_loader):
            total = evaluate(model, test_loader)
            line = f"accuracy={total}"
            print(line)
            line = "other"
            print(line)
        """)
    assert found == [("loss", "train", 7)]


def test_the_value_printed_says_more_than_the_words_leading_the_line():
    found = splits("""\
        def report(model, x_test):
            test_acc = score(model, x_test)
            print("Training done: accuracy={:.3f}".format(test_acc))
        """)
    assert found == [("accuracy", "test", 2)]
