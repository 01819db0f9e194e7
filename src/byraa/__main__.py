from byraa.cli import main

main()
