from byraa.cli.main import main

main()
