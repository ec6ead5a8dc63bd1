"""Train a small MLP on MNIST with the hyperparameters a W&B sweep chooses."""

import torch
import torch.nn as nn
import wandb
from torchvision import datasets, transforms


def build_model(num_layers, dropout):
    layers, width = [nn.Flatten()], 28 * 28
    for _ in range(num_layers):
        layers += [nn.Linear(width, 256), nn.ReLU(), nn.Dropout(dropout)]
        width = 256
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for x, y in loader:
            correct += (model(x).argmax(1) == y).sum().item()
            total += len(y)
    return correct / total


def main():
    run = wandb.init(project="mnist-sweep")
    config = run.config
    # the sweep ranks runs by their summary: keep each run's best validation accuracy there, not its last
    wandb.define_metric("val_accuracy", summary="max")
    data = datasets.MNIST("data", train=True, download=True, transform=transforms.ToTensor())
    train_set, val_set = torch.utils.data.random_split(data, [55_000, 5_000])
    train_loader = torch.utils.data.DataLoader(train_set, batch_size=config.batch_size, shuffle=True)
    val_loader = torch.utils.data.DataLoader(val_set, batch_size=1024)

    model = build_model(config.num_layers, config.dropout)
    if config.optimizer == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=config.learning_rate,
                                    momentum=config.momentum, weight_decay=config.weight_decay)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate,
                                     weight_decay=config.weight_decay)

    for epoch in range(10):
        model.train()
        for x, y in train_loader:
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
        wandb.log({"epoch": epoch, "train_loss": loss.item(), "val_accuracy": evaluate(model, val_loader)})


if __name__ == "__main__":
    main()
